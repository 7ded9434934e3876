//! Customer Groups API: create, list, get, rename, membership, delete, tenant isolation and
//! scopes.

use portaal::kernel::scopes::Scope;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_atom, assert_error, assert_invalid_fields, id_of, send};

/// The members of an `add customers` answer, sorted by ID (the order is not part of the
/// contract).
fn sorted_by_id(mut customers: Vec<Value>) -> Vec<Value> {
    customers.sort_by_key(id_of);
    customers
}

#[tokio::test]
async fn create_customer_group_returns_201_with_exactly_id_name_and_created_at() {
    let app = TestApp::spawn().await;
    let (status, group) =
        send(app.post("/customer-groups", &json!({"name": "Hosting customers"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let id = id_of(&group);
    assert!(id.starts_with("cug_") && id.len() == 18, "{id}");
    assert!(
        id[4..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(group["name"], "Hosting customers");
    assert_atom(&group["createdAt"]);
    assert_eq!(group["createdAt"], "2025-04-14T12:00:00+02:00");
    let mut members: Vec<&str> = group
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    members.sort();
    assert_eq!(members, ["createdAt", "id", "name"], "{group}");

    let (status, fetched) = send(app.get(&format!("/customer-groups/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{fetched}");
    assert_eq!(fetched, group);
}

#[tokio::test]
async fn create_with_customers_adds_them_and_silently_skips_unknown_foreign_and_deleted_ids() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let b = id_of(&app.create_customer("B BV").await);
    let deleted = id_of(&app.create_customer("Deleted BV").await);
    let (status, _) = send(app.delete(&format!("/customers/{deleted}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, other_token) = app.other_account().await;
    let (status, foreign) = send(
        app.request_as(&other_token, Method::POST, "/customers")
            .json(&crate::helpers::customer_body("Foreign BV")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{foreign}");
    let foreign = id_of(&foreign);

    let (status, group) = send(app.post(
        "/customer-groups",
        &json!({
            "name": "Mixed",
            "customers": [&a, "cst_doesnotexist00", &foreign, &deleted, "nonsense", "", &b, &a]
        }),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    assert_eq!(group.as_object().unwrap().len(), 3, "{group}");
    let gid = id_of(&group);

    for member in [&a, &b] {
        assert_eq!(app.customer(member).await["customerGroups"], json!([gid]));
    }
    let (status, seen_by_owner) =
        send(app.request_as(&other_token, Method::GET, &format!("/customers/{foreign}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        seen_by_owner["customerGroups"],
        json!([]),
        "another account's customer was not added"
    );

    // Adding nobody answers with the members: exactly the two live customers of this account.
    let (status, list) = send(app.post(
        &format!("/customer-groups/{gid}/customers"),
        &json!({"customers": []}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let members = sorted_by_id(list["data"].as_array().unwrap().clone());
    let want = sorted_by_id(vec![app.customer(&a).await, app.customer(&b).await]);
    assert_eq!(members, want);
}

#[tokio::test]
async fn a_group_name_is_required_non_blank_a_string_and_at_most_255_characters() {
    let app = TestApp::spawn().await;
    let mut bodies = vec![
        json!({}),
        json!({"customers": []}),
        json!({"name": null}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"name": 5}),
        json!({"name": true}),
        json!({"name": ["Hosting"]}),
        json!({"name": {"nl": "Hosting"}}),
        json!({"name": "x".repeat(256)}),
        json!({"name": "é".repeat(256)}),
    ];
    bodies.push(json!({"name": "Line\u{0}break"}));
    for body in &bodies {
        let (status, err) = send(app.post("/customer-groups", body)).await;
        assert_invalid_fields(status, &err, &["name"]);
    }
    let (_, err) = send(app.post("/customer-groups", &json!({}))).await;
    assert_eq!(err["errors"]["name"][0], "The name field is required.");
    assert!(app.all_groups().await.is_empty(), "nothing was created");

    let longest = "é".repeat(255);
    let group = app.create_group(&longest, &[]).await;
    assert_eq!(group["name"], longest.as_str());
}

#[tokio::test]
async fn customers_must_be_an_array_of_strings() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({"name": "G", "customers": a}), vec!["customers"]),
        (json!({"name": "G", "customers": 5}), vec!["customers"]),
        (json!({"name": "G", "customers": true}), vec!["customers"]),
        (
            json!({"name": "G", "customers": {"0": a}}),
            vec!["customers"],
        ),
        (
            json!({"name": "G", "customers": [a, 5]}),
            vec!["customers.1"],
        ),
        (
            json!({"name": "G", "customers": [null, a, ["x"]]}),
            vec!["customers.0", "customers.2"],
        ),
        (json!({"customers": "x"}), vec!["customers", "name"]),
    ];
    for (body, fields) in &cases {
        let (status, err) = send(app.post("/customer-groups", body)).await;
        assert_invalid_fields(status, &err, fields);
    }
    assert!(app.all_groups().await.is_empty(), "nothing was created");
    assert_eq!(app.customer(&a).await["customerGroups"], json!([]));
}

#[tokio::test]
async fn list_customer_groups_is_paginated_newest_first() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third"] {
        ids.push(id_of(&app.create_group(name, &[]).await));
    }
    let (status, list) = send(app.get("/customer-groups")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let got: Vec<String> = list["data"].as_array().unwrap().iter().map(id_of).collect();
    ids.reverse();
    assert_eq!(got, ids, "newest first");
    assert_eq!(list["data"][0]["name"], "Third");
    assert_eq!(list["data"][0].as_object().unwrap().len(), 3);
    assert_eq!(list["current_page"], 1);
    assert_eq!(list["from"], 1);
    assert_eq!(list["to"], 3);
    assert_eq!(list["per_page"], 15);
    assert_eq!(list["next_page_url"], Value::Null);
    assert_eq!(list["path"], app.url("/customer-groups"));

    let (status, page) = send(app.get("/customer-groups?per_page=2&page=2")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["id"], ids[2].as_str());
    assert_eq!(
        page["prev_page_url"],
        app.url("/customer-groups?page=1&per_page=2")
    );
}

#[tokio::test]
async fn get_customer_group_answers_404_for_unknown_ids() {
    let app = TestApp::spawn().await;
    app.create_group("Exists", &[]).await;
    for id in [
        "cug_doesnotexist00",
        "nonsense",
        "%00",
        "cst_abcdefghijklmn",
    ] {
        let (status, err) = send(app.get(&format!("/customer-groups/{id}"))).await;
        assert_error(status, &err, 404);
    }
}

#[tokio::test]
async fn renaming_a_group_answers_200_and_keeps_its_id_and_creation_time() {
    let app = TestApp::spawn().await;
    let group = app.create_group("Old name", &[]).await;
    let path = format!("/customer-groups/{}", id_of(&group));
    let (status, renamed) = send(app.patch(&path, &json!({"name": " New name "}))).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(
        renamed,
        json!({"id": group["id"], "name": "New name", "createdAt": group["createdAt"]})
    );
    let (_, fetched) = send(app.get(&path)).await;
    assert_eq!(fetched, renamed);
}

#[tokio::test]
async fn renaming_a_group_requires_a_valid_name_and_a_refusal_changes_nothing() {
    let app = TestApp::spawn().await;
    let group = app.create_group("Keep me", &[]).await;
    let path = format!("/customer-groups/{}", id_of(&group));
    for body in [
        json!({}),
        json!({"customers": []}),
        json!({"name": null}),
        json!({"name": ""}),
        json!({"name": "  "}),
        json!({"name": 42}),
        json!({"name": "x".repeat(256)}),
    ] {
        let (status, err) = send(app.patch(&path, &body)).await;
        assert_invalid_fields(status, &err, &["name"]);
    }
    let (_, fetched) = send(app.get(&path)).await;
    assert_eq!(fetched, group);
    let (status, err) =
        send(app.patch("/customer-groups/cug_doesnotexist00", &json!({"name": "X"}))).await;
    assert_error(status, &err, 404);
}

#[tokio::test]
async fn adding_customers_answers_with_every_member_as_a_full_customer() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let b = id_of(&app.create_customer("B BV").await);
    let c = id_of(&app.create_customer("C BV").await);
    let gid = id_of(&app.create_group("Group", &[&a]).await);
    let path = format!("/customer-groups/{gid}/customers");

    let (status, list) =
        send(app.post(&path, &json!({"customers": [&b, "cst_doesnotexist00", &a]}))).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list.as_object().unwrap().len(), 1, "only `data`: {list}");
    let members = sorted_by_id(list["data"].as_array().unwrap().clone());
    let want = sorted_by_id(vec![app.customer(&a).await, app.customer(&b).await]);
    assert_eq!(members, want);
    for member in &members {
        assert_eq!(member.as_object().unwrap().len(), 16, "{member}");
        assert_eq!(member["customerGroups"], json!([gid]));
    }
    assert_eq!(app.customer(&c).await["customerGroups"], json!([]));

    // Adding the same customers again does not duplicate anything.
    let (status, again) = send(app.post(&path, &json!({"customers": [&b, &b, &a]}))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        sorted_by_id(again["data"].as_array().unwrap().clone()),
        want
    );
    assert_eq!(app.customer(&b).await["customerGroups"], json!([gid]));
}

#[tokio::test]
async fn a_customer_in_two_groups_lists_both() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let g1 = id_of(&app.create_group("One", &[&a]).await);
    let g2 = id_of(&app.create_group("Two", &[]).await);
    let (status, _) = send(app.post(
        &format!("/customer-groups/{g2}/customers"),
        &json!({"customers": [&a]}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut groups: Vec<String> = app.customer(&a).await["customerGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap().to_owned())
        .collect();
    groups.sort();
    let mut want = vec![g1, g2];
    want.sort();
    assert_eq!(groups, want);
}

#[tokio::test]
async fn adding_customers_needs_a_customers_array_of_strings() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let gid = id_of(&app.create_group("Group", &[]).await);
    let path = format!("/customer-groups/{gid}/customers");
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({}), vec!["customers"]),
        (json!({"customers": null}), vec!["customers"]),
        (json!({"customer": [&a]}), vec!["customers"]),
        (json!({"customers": &a}), vec!["customers"]),
        (json!({"customers": {"a": &a}}), vec!["customers"]),
        (json!({"customers": [&a, 7]}), vec!["customers.1"]),
    ];
    for (body, fields) in &cases {
        let (status, err) = send(app.post(&path, body)).await;
        assert_invalid_fields(status, &err, fields);
    }
    let (_, err) = send(app.post(&path, &json!({}))).await;
    assert_eq!(
        err["errors"]["customers"][0],
        "The customers field is required."
    );
    assert_eq!(app.customer(&a).await["customerGroups"], json!([]));

    let (status, err) = send(app.post(
        "/customer-groups/cug_doesnotexist00/customers",
        &json!({"customers": [&a]}),
    ))
    .await;
    assert_error(status, &err, 404);
    assert_eq!(app.customer(&a).await["customerGroups"], json!([]));
}

#[tokio::test]
async fn removing_a_customer_from_a_group_answers_204_and_a_second_time_404() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let b = id_of(&app.create_customer("B BV").await);
    let g1 = id_of(&app.create_group("One", &[&a, &b]).await);
    let g2 = id_of(&app.create_group("Two", &[&a]).await);
    let path = format!("/customer-groups/{g1}/customers/{a}");

    let response = app.delete(&path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());
    assert_eq!(app.customer(&a).await["customerGroups"], json!([g2]));
    assert_eq!(app.customer(&b).await["customerGroups"], json!([g1]));

    let (status, err) = send(app.delete(&path)).await;
    assert_error(status, &err, 404);
    for other in [
        format!("/customer-groups/cug_doesnotexist00/customers/{b}"),
        format!("/customer-groups/{g1}/customers/cst_doesnotexist00"),
        format!("/customer-groups/{g2}/customers/{b}"),
    ] {
        let (status, err) = send(app.delete(&other)).await;
        assert_error(status, &err, 404);
    }
    assert_eq!(app.customer(&b).await["customerGroups"], json!([g1]));

    let (_, list) = send(app.post(
        &format!("/customer-groups/{g1}/customers"),
        &json!({"customers": []}),
    ))
    .await;
    assert_eq!(list["data"], json!([app.customer(&b).await]));
}

#[tokio::test]
async fn deleting_a_group_answers_204_and_its_members_lose_it() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let b = id_of(&app.create_customer("B BV").await);
    let gone = id_of(&app.create_group("Gone", &[&a, &b]).await);
    let kept = app.create_group("Kept", &[&a]).await;
    let kept_id = id_of(&kept);
    let path = format!("/customer-groups/{gone}");

    let response = app.delete(&path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());

    assert_eq!(app.customer(&a).await["customerGroups"], json!([kept_id]));
    assert_eq!(app.customer(&b).await["customerGroups"], json!([]));
    assert_eq!(app.all_groups().await, vec![kept]);
    assert_eq!(app.all_customers().await.len(), 2, "customers stay");

    let (status, err) = send(app.get(&path)).await;
    assert_error(status, &err, 404);
    let (status, err) = send(app.delete(&path)).await;
    assert_error(status, &err, 404);
    let (status, err) = send(app.patch(&path, &json!({"name": "Back"}))).await;
    assert_error(status, &err, 404);
    let (status, err) =
        send(app.post(&format!("{path}/customers"), &json!({"customers": [&a]}))).await;
    assert_error(status, &err, 404);
    let (status, err) = send(app.delete(&format!("{path}/customers/{a}"))).await;
    assert_error(status, &err, 404);
    assert_eq!(app.customer(&a).await["customerGroups"], json!([kept_id]));
}

#[tokio::test]
async fn a_key_of_another_account_never_sees_or_touches_this_accounts_groups() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let group = app.create_group("Mine", &[&a]).await;
    let gid = id_of(&group);
    let (_, other) = app.other_account().await;
    let path = format!("/customer-groups/{gid}");

    let (status, err) = send(app.request_as(&other, Method::GET, &path)).await;
    assert_error(status, &err, 404);
    let (status, err) = send(
        app.request_as(&other, Method::PATCH, &path)
            .json(&json!({"name": "Taken over"})),
    )
    .await;
    assert_error(status, &err, 404);
    let (status, err) = send(
        app.request_as(&other, Method::POST, &format!("{path}/customers"))
            .json(&json!({"customers": [&a]})),
    )
    .await;
    assert_error(status, &err, 404);
    let (status, err) =
        send(app.request_as(&other, Method::DELETE, &format!("{path}/customers/{a}"))).await;
    assert_error(status, &err, 404);
    let (status, err) = send(app.request_as(&other, Method::DELETE, &path)).await;
    assert_error(status, &err, 404);
    let (status, list) = send(app.request_as(&other, Method::GET, "/customer-groups")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["data"], json!([]));

    // Its own group cannot take in this account's customer either.
    let (status, theirs) = send(
        app.request_as(&other, Method::POST, "/customer-groups")
            .json(&json!({"name": "Theirs", "customers": [&a]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let (status, members) = send(
        app.request_as(
            &other,
            Method::POST,
            &format!("/customer-groups/{}/customers", id_of(&theirs)),
        )
        .json(&json!({"customers": [&a]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{members}");
    assert_eq!(members["data"], json!([]));

    let (_, still) = send(app.get(&path)).await;
    assert_eq!(still, group, "the other account changed nothing");
    assert_eq!(app.customer(&a).await["customerGroups"], json!([gid]));
    assert_eq!(app.all_groups().await, vec![group]);
}

#[tokio::test]
async fn a_key_with_only_customers_read_can_read_groups_but_not_change_them() {
    let app = TestApp::spawn().await;
    let a = id_of(&app.create_customer("A BV").await);
    let group = app.create_group("Existing", &[&a]).await;
    let gid = id_of(&group);
    let reader = app.key_with(&[Scope::CustomersRead]).await;

    let (status, err) = send(
        app.request_as(&reader, Method::POST, "/customer-groups")
            .json(&json!({"name": "Nope"})),
    )
    .await;
    assert_error(status, &err, 403);
    assert!(
        err["message"].as_str().unwrap().contains("customers.write"),
        "{err}"
    );
    let path = format!("/customer-groups/{gid}");
    let writes = [
        app.request_as(&reader, Method::PATCH, &path)
            .json(&json!({"name": "Renamed"})),
        app.request_as(&reader, Method::POST, &format!("{path}/customers"))
            .json(&json!({"customers": []})),
        app.request_as(&reader, Method::DELETE, &format!("{path}/customers/{a}")),
        app.request_as(&reader, Method::DELETE, &path),
    ];
    for request in writes {
        let (status, err) = send(request).await;
        assert_error(status, &err, 403);
    }

    let (status, fetched) = send(app.request_as(&reader, Method::GET, &path)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, group);
    let (status, list) = send(app.request_as(&reader, Method::GET, "/customer-groups")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["data"], json!([group]));
    assert_eq!(app.customer(&a).await["customerGroups"], json!([gid]));
}
