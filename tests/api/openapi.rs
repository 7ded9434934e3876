//! TODO
use crate::helpers::TestApp;

#[tokio::test]
async fn probe() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    std::fs::write(
        "/tmp/openapi_probe.json",
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
    for (label, req) in [
        (
            "put",
            app.client
                .put(app.url("/customers"))
                .bearer_auth(&app.token),
        ),
        ("nope", app.get("/nope")),
        ("nope-noauth", app.client.get(app.url("/nope"))),
        ("notv1", app.client.get(app.api.replace("/v1", "/not-v1"))),
        ("ff", app.get("/customers/%FF")),
        ("nul", app.get("/customers/%00")),
        (
            "long",
            app.get(&format!("/customers/{}", "a".repeat(10000))),
        ),
        ("grp-ff", app.get("/customer-groups/%FF/customers/x")),
        ("q-ff", app.get("/customers?page=%FF")),
        ("plus", app.get("/customers?per_page=+5")),
        (
            "big",
            app.client
                .post(app.url("/customers"))
                .bearer_auth(&app.token)
                .header("content-type", "application/json")
                .body({
                    let mut v = b"\"".to_vec();
                    v.extend(vec![b' '; 10 * 1024 * 1024]);
                    v.push(b'"');
                    v
                }),
        ),
        (
            "nested",
            app.client
                .post(app.url("/customers"))
                .bearer_auth(&app.token)
                .header("content-type", "application/json")
                .body("[".repeat(10000)),
        ),
        (
            "array",
            app.client
                .post(app.url("/customers"))
                .bearer_auth(&app.token)
                .header("content-type", "application/json")
                .body("[]"),
        ),
        (
            "nan",
            app.client
                .post(app.url("/customers"))
                .bearer_auth(&app.token)
                .header("content-type", "application/json")
                .body("NaN"),
        ),
    ] {
        let r = req.send().await;
        match r {
            Ok(r) => {
                let s = r.status();
                let h = r.headers().get("content-type").cloned();
                let t = r.text().await.unwrap();
                println!("{label}: {s} {h:?} {}", &t[..t.len().min(300)]);
            }
            Err(e) => println!("{label}: ERR {e:?}"),
        }
    }
}
