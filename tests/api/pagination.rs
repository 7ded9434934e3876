//! The Laravel simple-paginator envelope of list endpoints (`general.md` §3, DECISIONS.md).

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_invalid_fields, id_of, send};

/// The envelope's members, in the reference's order.
const ENVELOPE: [&str; 9] = [
    "current_page",
    "data",
    "first_page_url",
    "from",
    "next_page_url",
    "path",
    "per_page",
    "prev_page_url",
    "to",
];

/// Fetches a list as raw text, checks that the envelope's members come in the reference's
/// order (`serde_json::Value` would not tell), and returns the parsed body.
async fn get_page(app: &TestApp, path_and_query: &str) -> Value {
    let response = app.get(path_and_query).send().await.expect("request sent");
    let status = response.status();
    let text = response.text().await.expect("body read");
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_member_order(&text);
    let body: Value = serde_json::from_str(&text).expect("JSON");
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let mut want = ENVELOPE.to_vec();
    want.sort();
    assert_eq!(keys, want, "exactly the envelope's members: {text}");
    body
}

/// The envelope's keys appear in `ENVELOPE` order in the raw JSON text. `data` holds
/// customers or groups, whose members never share these names, so the first occurrence of
/// each quoted key is the envelope's.
fn assert_member_order(text: &str) {
    assert!(text.starts_with("{\"current_page\":"), "{text}");
    let positions: Vec<usize> = ENVELOPE
        .iter()
        .map(|key| {
            text.find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("no {key} in {text}"))
        })
        .collect();
    for (pair, keys) in positions.windows(2).zip(ENVELOPE.windows(2)) {
        assert!(
            pair[0] < pair[1],
            "{} must come before {}: {text}",
            keys[0],
            keys[1]
        );
    }
}

/// Creates `n` customers, oldest first, and returns their IDs in creation order.
async fn create_customers(app: &TestApp, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 1..=n {
        ids.push(id_of(&app.create_customer(&format!("Klant {i:02}")).await));
    }
    ids
}

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(id_of).collect()
}

#[tokio::test]
async fn an_empty_list_is_exactly_the_laravel_envelope_in_the_reference_order() {
    let app = TestApp::spawn().await;
    let response = app.get("/customers").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = response.text().await.unwrap();
    assert_member_order(&text);
    let api = &app.api;
    let expected = json!({
        "current_page": 1,
        "data": [],
        "first_page_url": format!("{api}/customers?page=1"),
        "from": null,
        "next_page_url": null,
        "path": format!("{api}/customers"),
        "per_page": 15,
        "prev_page_url": null,
        "to": null
    });
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), expected);
    // Byte for byte, so the order of members is checked too.
    assert_eq!(
        text,
        format!(
            r#"{{"current_page":1,"data":[],"first_page_url":"{api}/customers?page=1","from":null,"next_page_url":null,"path":"{api}/customers","per_page":15,"prev_page_url":null,"to":null}}"#
        )
    );
}

#[tokio::test]
async fn sixteen_customers_make_two_pages_newest_first() {
    let app = TestApp::spawn().await;
    let created = create_customers(&app, 16).await;
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    let api = &app.api;

    let page1 = get_page(&app, "/customers").await;
    assert_eq!(page1["current_page"], 1);
    assert_eq!(ids(&page1), newest_first[..15]);
    assert_eq!(page1["data"][0]["companyName"], "Klant 16");
    assert_eq!(page1["data"][14]["companyName"], "Klant 02");
    assert_eq!(page1["from"], 1);
    assert_eq!(page1["to"], 15);
    assert_eq!(page1["per_page"], 15);
    assert_eq!(page1["first_page_url"], format!("{api}/customers?page=1"));
    assert_eq!(page1["next_page_url"], format!("{api}/customers?page=2"));
    assert_eq!(page1["prev_page_url"], Value::Null);
    assert_eq!(page1["path"], format!("{api}/customers"));

    let page2 = get_page(&app, "/customers?page=2").await;
    assert_eq!(page2["current_page"], 2);
    assert_eq!(ids(&page2), newest_first[15..]);
    assert_eq!(page2["data"][0]["companyName"], "Klant 01");
    assert_eq!(page2["from"], 16);
    assert_eq!(page2["to"], 16);
    assert_eq!(page2["per_page"], 15);
    assert_eq!(page2["first_page_url"], format!("{api}/customers?page=1"));
    assert_eq!(page2["next_page_url"], Value::Null);
    assert_eq!(page2["prev_page_url"], format!("{api}/customers?page=1"));
    assert_eq!(page2["path"], format!("{api}/customers"));

    // The items are the same customers the single-customer endpoint shows.
    let (_, oldest) = send(app.get(&format!("/customers/{}", created[0]))).await;
    assert_eq!(page2["data"][0], oldest);
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_but_links_back() {
    let app = TestApp::spawn().await;
    create_customers(&app, 16).await;
    let api = &app.api;
    for (page, prev) in [(3, 2), (99, 98)] {
        let body = get_page(&app, &format!("/customers?page={page}")).await;
        assert_eq!(
            body,
            json!({
                "current_page": page,
                "data": [],
                "first_page_url": format!("{api}/customers?page=1"),
                "from": null,
                "next_page_url": null,
                "path": format!("{api}/customers"),
                "per_page": 15,
                "prev_page_url": format!("{api}/customers?page={prev}"),
                "to": null
            })
        );
    }
}

#[tokio::test]
async fn per_page_is_carried_into_every_page_url() {
    let app = TestApp::spawn().await;
    let created = create_customers(&app, 16).await;
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    let api = &app.api;

    let body = get_page(&app, "/customers?page=2&per_page=5").await;
    assert_eq!(body["current_page"], 2);
    assert_eq!(body["per_page"], 5);
    assert_eq!(ids(&body), newest_first[5..10]);
    assert_eq!(body["from"], 6);
    assert_eq!(body["to"], 10);
    assert_eq!(
        body["first_page_url"],
        format!("{api}/customers?page=1&per_page=5")
    );
    assert_eq!(
        body["next_page_url"],
        format!("{api}/customers?page=3&per_page=5")
    );
    assert_eq!(
        body["prev_page_url"],
        format!("{api}/customers?page=1&per_page=5")
    );
    assert_eq!(body["path"], format!("{api}/customers"));

    let first = get_page(&app, "/customers?per_page=5").await;
    assert_eq!(
        first["next_page_url"],
        format!("{api}/customers?page=2&per_page=5")
    );
    let last = get_page(&app, "/customers?per_page=5&page=4").await;
    assert_eq!(ids(&last), newest_first[15..]);
    assert_eq!(
        (last["from"].clone(), last["to"].clone()),
        (json!(16), json!(16))
    );
    assert_eq!(last["next_page_url"], Value::Null);
}

#[tokio::test]
async fn per_page_1_and_100_are_the_accepted_bounds() {
    let app = TestApp::spawn().await;
    let created = create_customers(&app, 16).await;
    let api = &app.api;

    let one = get_page(&app, "/customers?per_page=1").await;
    assert_eq!(ids(&one), [created[15].clone()]);
    assert_eq!(
        (one["from"].clone(), one["to"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(one["per_page"], 1);
    assert_eq!(
        one["next_page_url"],
        format!("{api}/customers?page=2&per_page=1")
    );

    let hundred = get_page(&app, "/customers?per_page=100").await;
    assert_eq!(hundred["data"].as_array().unwrap().len(), 16);
    assert_eq!(hundred["per_page"], 100);
    assert_eq!(hundred["to"], 16);
    assert_eq!(hundred["next_page_url"], Value::Null);
    assert_eq!(
        hundred["first_page_url"],
        format!("{api}/customers?page=1&per_page=100")
    );
}

#[tokio::test]
async fn invalid_page_and_per_page_values_are_422_naming_the_parameter() {
    let app = TestApp::spawn().await;
    create_customers(&app, 2).await;
    for bad in [
        "0",
        "101",
        "-1",
        "abc",
        "1.5",
        "",
        "1e2",
        "99999999999999999999999",
    ] {
        let (status, err) = send(app.get(&format!("/customers?per_page={bad}"))).await;
        assert_invalid_fields(status, &err, &["per_page"]);
    }
    for bad in ["0", "-1", "abc", "1.5", "", "99999999999999999999999"] {
        let (status, err) = send(app.get(&format!("/customers?page={bad}"))).await;
        assert_invalid_fields(status, &err, &["page"]);
    }
    let (status, err) = send(app.get("/customers?page=0&per_page=0")).await;
    assert_invalid_fields(status, &err, &["page", "per_page"]);
    let (status, err) = send(app.get("/customer-groups?per_page=101")).await;
    assert_invalid_fields(status, &err, &["per_page"]);
}

#[tokio::test]
async fn walking_the_next_page_urls_visits_every_customer_exactly_once() {
    let app = TestApp::spawn().await;
    let created = create_customers(&app, 16).await;
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut url = Some(app.url("/customers?per_page=3"));
    while let Some(next) = url {
        pages += 1;
        assert!(pages <= 6, "more pages than 16 customers need");
        let (status, body) = send(app.client.get(&next).bearer_auth(&app.token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["current_page"], pages);
        assert_eq!(body["from"], (pages - 1) * 3 + 1);
        seen.extend(ids(&body));
        assert_eq!(body["to"], seen.len());
        url = body["next_page_url"].as_str().map(str::to_owned);
    }
    assert_eq!(pages, 6);
    assert_eq!(seen.len(), 16);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 16, "no customer twice");
    let newest_first: Vec<String> = created.into_iter().rev().collect();
    assert_eq!(seen, newest_first);
}

#[tokio::test]
async fn customer_groups_use_the_same_envelope() {
    let app = TestApp::spawn().await;
    let api = &app.api;
    let empty = get_page(&app, "/customer-groups").await;
    assert_eq!(
        empty,
        json!({
            "current_page": 1,
            "data": [],
            "first_page_url": format!("{api}/customer-groups?page=1"),
            "from": null,
            "next_page_url": null,
            "path": format!("{api}/customer-groups"),
            "per_page": 15,
            "prev_page_url": null,
            "to": null
        })
    );
    let older = app.create_group("Older", &[]).await;
    let newer = app.create_group("Newer", &[]).await;
    let page1 = get_page(&app, "/customer-groups?per_page=1").await;
    assert_eq!(page1["data"], json!([newer]));
    assert_eq!(
        page1["next_page_url"],
        format!("{api}/customer-groups?page=2&per_page=1")
    );
    let page2 = get_page(&app, "/customer-groups?per_page=1&page=2").await;
    assert_eq!(page2["data"], json!([older]));
    assert_eq!(
        (page2["from"].clone(), page2["to"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(page2["next_page_url"], Value::Null);
    assert_eq!(
        page2["prev_page_url"],
        format!("{api}/customer-groups?page=1&per_page=1")
    );
}
