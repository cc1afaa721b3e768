//! Discussions and pull requests over real HTTP: listing, events, permissions, commits to
//! `refs/pr/N`, `create_pr=1`, diffs, conflicts and merges.

mod common;

use common::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

const REPO: &str = "/api/models/alice/m";

async fn post(hub: &Hub, path: &str, token: Option<&str>, body: Value) -> Response {
    hub.req(
        Method::POST,
        path,
        token,
        Some(body.to_string().into_bytes()),
    )
    .await
}

async fn open_discussion(hub: &Hub, token: &str, title: &str, pr: bool) -> i64 {
    let r = post(
        hub,
        &format!("{REPO}/discussions"),
        Some(token),
        json!({"title": title, "description": "desc", "pullRequest": pr}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    body_json(r).await["num"].as_i64().unwrap()
}

async fn details(hub: &Hub, num: i64) -> Value {
    let r = hub
        .get(&format!("{REPO}/discussions/{num}?diff=1"), Some(ALICE))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    body_json(r).await
}

async fn setup(hub: &Hub) {
    assert_eq!(
        hub.create(ALICE, json!({"name": "m"})).await.status(),
        StatusCode::OK
    );
    let r = hub
        .commit(
            "alice/m",
            ALICE,
            None,
            &[add("a.txt", b"one\ntwo\nthree\n")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn commit_to(hub: &Hub, rev: &str, token: &str, query: &str, lines: &[Value]) -> Response {
    let mut body = json!({"key": "header", "value": {"summary": "PR commit", "description": "why"}})
        .to_string() + "\n";
    for l in lines {
        body.push_str(&l.to_string());
        body.push('\n');
    }
    hub.req(
        Method::POST,
        &format!("{REPO}/commit/{rev}{query}"),
        Some(token),
        Some(body.into_bytes()),
    )
    .await
}

#[tokio::test]
async fn discussions_list_details_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    setup(&hub).await;
    let main = hub.sha("alice/m", None).await;

    let pr = open_discussion(&hub, ALICE, "  Test Pull Request  ", true).await;
    let disc = open_discussion(&hub, CAROL, "Test Discussion", false).await;
    assert_eq!((pr, disc), (1, 2));

    // The pull request is a draft with refs/pr/1 at main's head; titles are stripped.
    let d = details(&hub, pr).await;
    assert_eq!(d["title"], "Test Pull Request");
    assert_eq!(d["status"], "draft");
    assert_eq!(d["isPullRequest"], true);
    assert_eq!(d["repo"], json!({"name": "alice/m", "type": "model"}));
    assert_eq!(d["author"]["name"], "alice");
    assert_eq!(d["changes"]["base"], "refs/heads/main");
    assert_eq!(d["filesWithConflicts"], json!([]));
    assert_eq!(d["diff"], "");
    let info = body_json(
        hub.get(&format!("{REPO}/revision/refs%2Fpr%2F1"), None)
            .await,
    )
    .await;
    assert_eq!(info["sha"], main);
    let events = d["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "comment");
    assert_eq!(events[0]["data"]["latest"]["raw"], "desc");
    assert_eq!(events[0]["data"]["edited"], false);
    assert_eq!(events[0]["id"].as_str().unwrap().len(), 24);

    // A discussion has no pull-request fields.
    let d = details(&hub, disc).await;
    assert_eq!(d["status"], "open");
    assert!(d.get("changes").is_none() && d.get("diff").is_none());

    // Listing: newest first, with count/start, filters.
    let l = body_json(hub.get(&format!("{REPO}/discussions"), None).await).await;
    let nums: Vec<i64> = l["discussions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["num"].as_i64().unwrap())
        .collect();
    assert_eq!(nums, vec![2, 1]);
    assert_eq!(
        (l["count"].clone(), l["start"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(l["discussions"][0]["numComments"], 1);
    for (query, expected) in [
        ("type=pull_request", vec![1]),
        ("type=discussion", vec![2]),
        ("author=carol", vec![2]),
        ("author=nobody", vec![]),
        ("status=open", vec![2, 1]),
        ("status=closed", vec![]),
        ("type=all&status=all", vec![2, 1]),
    ] {
        let l = body_json(hub.get(&format!("{REPO}/discussions?{query}"), None).await).await;
        let nums: Vec<i64> = l["discussions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["num"].as_i64().unwrap())
            .collect();
        assert_eq!(nums, expected, "{query}");
        assert_eq!(l["count"], json!(expected.len()), "{query}");
    }
    let r = hub
        .get(&format!("{REPO}/discussions?type=bogus"), None)
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Comment: the returned event is exactly the one in the timeline.
    let r = post(
        &hub,
        &format!("{REPO}/discussions/{disc}/comment"),
        Some(ALICE),
        json!({"comment": "**Hello** <world>"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let new_message = body_json(r).await["newMessage"].clone();
    assert_eq!(
        new_message["data"]["latest"]["html"],
        "<p>**Hello** &lt;world&gt;</p>"
    );
    assert!(details(&hub, disc).await["events"]
        .as_array()
        .unwrap()
        .contains(&new_message));

    // Editing: the author only; history keeps the previous version.
    let first_id = details(&hub, disc).await["events"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edit = format!("{REPO}/discussions/{disc}/comment/{first_id}/edit");
    let r = post(&hub, &edit, Some(ALICE), json!({"content": "nope"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let upper = format!(
        "{REPO}/discussions/{disc}/comment/{}/edit",
        first_id.to_uppercase()
    );
    let r = post(&hub, &upper, Some(CAROL), json!({"content": "edited"})).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "comment ids are case-insensitive"
    );
    let updated = body_json(r).await["updatedComment"].clone();
    assert_eq!(updated["data"]["edited"], true);
    assert_eq!(updated["data"]["latest"]["raw"], "edited");
    assert_eq!(updated["data"]["history"][0]["raw"], "desc");
    assert_eq!(details(&hub, disc).await["events"][0], updated);

    // Hiding: a writer may hide others' comments, but never the first one.
    let hide = |id: &str| format!("{REPO}/discussions/{disc}/comment/{id}/hide");
    let r = post(&hub, &hide(&first_id), Some(ALICE), json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let new_id = new_message["id"].as_str().unwrap();
    let r = post(&hub, &hide(new_id), Some(CAROL), json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "not hers, not a writer");
    let own_edit = format!("{REPO}/discussions/{disc}/comment/{new_id}/edit");
    let r = post(
        &hub,
        &own_edit,
        Some(ALICE),
        json!({"content": "typo fixed"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = post(&hub, &hide(new_id), Some(ALICE), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let hidden = body_json(r).await["updatedComment"].clone();
    assert_eq!(hidden["data"]["hidden"], true);
    assert_eq!(hidden["data"]["edited"], true);
    assert_eq!(
        hidden["data"]["history"],
        json!([]),
        "hidden text is gone for good"
    );
    let r = post(&hub, &own_edit, Some(ALICE), json!({"content": "again"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        hidden["data"]["latest"]["raw"],
        "This comment has been hidden"
    );
    let r = post(
        &hub,
        &hide("0123456789abcdef01234567"),
        Some(ALICE),
        json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Rename and status: author or writer.
    let r = post(
        &hub,
        &format!("{REPO}/discussions/{pr}/title"),
        Some(CAROL),
        json!({"title": "mine now"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(
        &hub,
        &format!("{REPO}/discussions/{disc}/title"),
        Some(CAROL),
        json!({"title": " New title "}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ev = body_json(r).await["newTitle"].clone();
    assert_eq!(
        ev["data"],
        json!({"from": "Test Discussion", "to": "New title"})
    );
    let r = post(
        &hub,
        &format!("{REPO}/discussions/{disc}/status"),
        Some(ALICE),
        json!({"status": "closed", "comment": "done"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ev = body_json(r).await["newStatus"].clone();
    assert_eq!(ev["data"]["status"], "closed");
    let d = details(&hub, disc).await;
    assert_eq!(d["status"], "closed");
    assert_eq!(d["title"], "New title");
    let kinds: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "comment",
            "comment",
            "title-change",
            "comment",
            "status-change"
        ]
    );
    for bad in [json!({"status": "merged"}), json!({"status": "closed"})] {
        let r = post(
            &hub,
            &format!("{REPO}/discussions/{disc}/status"),
            Some(ALICE),
            bad,
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let l = body_json(
        hub.get(&format!("{REPO}/discussions?status=closed"), None)
            .await,
    )
    .await;
    assert_eq!(l["count"], 1);
    assert_eq!(l["numClosedDiscussions"], 1);
}

#[tokio::test]
async fn discussion_permissions_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    setup(&hub).await;
    let new = json!({"title": "t", "description": "d"});
    let path = format!("{REPO}/discussions");
    let r = post(&hub, &path, None, new.clone()).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = post(&hub, &path, Some(BOB_READ), new.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        header(&r, "x-error-message"),
        Some("You have read access but not the required permissions for this operation.")
    );
    for bad in [
        json!({"title": "   "}),
        json!({"title": 3}),
        json!({"title": "x".repeat(201)}),
    ] {
        assert_eq!(
            post(&hub, &path, Some(CAROL), bad).await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    let r = hub.get(&format!("{REPO}/discussions/7"), None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = hub.get(&format!("{REPO}/discussions/zero"), None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // A private repository's discussions are invisible to outsiders.
    hub.create(ALICE, json!({"name": "p", "private": true}))
        .await;
    let r = post(
        &hub,
        "/api/models/alice/p/discussions",
        Some(CAROL),
        new.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&r, "x-error-code"), Some("RepoNotFound"));
    let r = hub.get("/api/models/alice/p/discussions", None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(&hub, "/api/models/alice/p/discussions", Some(ALICE), new)
            .await
            .status(),
        StatusCode::OK
    );

    // Pagination: 50 per page, `start` tells where the page begins.
    for i in 0..52 {
        open_discussion(&hub, CAROL, &format!("d{i}"), false).await;
    }
    let p0 = body_json(hub.get(&format!("{REPO}/discussions?p=0"), None).await).await;
    let p1 = body_json(hub.get(&format!("{REPO}/discussions?p=1"), None).await).await;
    assert_eq!(p0["discussions"].as_array().unwrap().len(), 50);
    assert_eq!(p1["discussions"].as_array().unwrap().len(), 2);
    assert_eq!(
        (p1["start"].clone(), p1["count"].clone()),
        (json!(50), json!(52))
    );
    assert_eq!(p0["discussions"][0]["num"], 52);
    assert_eq!(p1["discussions"][1]["num"], 1);
}

#[tokio::test]
async fn pull_request_commits_diff_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    setup(&hub).await;
    let pr = open_discussion(&hub, CAROL, "Add things", true).await;

    // The author pushes to her pull request; another non-writer cannot.
    let r = commit_to(
        &hub,
        "refs%2Fpr%2F1",
        CAROL,
        "",
        &[add("a.txt", b"one\n2\nthree\n"), add("new.txt", b"fresh\n")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let pr_commit = body_json(r).await["commitOid"]
        .as_str()
        .unwrap()
        .to_string();
    let r = commit_to(&hub, "main", CAROL, "", &[add("x", b"x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let d = details(&hub, pr).await;
    let last = d["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "commit");
    assert_eq!(
        last["data"],
        json!({"subject": "PR commit", "oid": pr_commit})
    );
    assert_eq!(last["author"]["name"], "carol");
    let diff = d["diff"].as_str().unwrap();
    assert!(diff.contains("diff --git a/a.txt b/a.txt\n"), "{diff}");
    assert!(
        diff.contains("@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n"),
        "{diff}"
    );
    assert!(diff.contains("new file mode 100644\n"), "{diff}");
    assert!(
        diff.contains("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+fresh\n"),
        "{diff}"
    );

    // Drafts cannot be merged; only writers merge.
    let merge = format!("{REPO}/discussions/{pr}/merge");
    let r = hub.req(Method::POST, &merge, Some(ALICE), None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(
        &hub,
        &format!("{REPO}/discussions/{pr}/status"),
        Some(CAROL),
        json!({"status": "open"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub.req(Method::POST, &merge, Some(CAROL), None).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // main moved meanwhile (no overlap): the merge is a squash commit on top of it.
    let r = hub
        .commit("alice/m", ALICE, None, &[add("main.txt", b"m")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let main_before = hub.sha("alice/m", None).await;
    let r = post(&hub, &merge, Some(ALICE), json!({"comment": "thanks"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body_json(r).await["newStatus"]["data"]["status"], "merged");
    let main_after = hub.sha("alice/m", None).await;
    let commits = body_json(hub.get(&format!("{REPO}/commits/main"), None).await).await;
    assert_eq!(commits[0]["id"], main_after);
    assert_eq!(commits[0]["title"], "Add things (#1)");
    assert_eq!(commits[1]["id"], main_before);
    let file = hub.get("/alice/m/resolve/main/a.txt", None).await;
    assert_eq!(file.text().await.unwrap(), "one\n2\nthree\n");
    assert_eq!(
        hub.get("/alice/m/resolve/main/main.txt", None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        hub.get("/alice/m/resolve/main/new.txt", None)
            .await
            .status(),
        StatusCode::OK
    );

    let d = details(&hub, pr).await;
    assert_eq!(d["status"], "merged");
    assert_eq!(d["changes"]["mergeCommitId"], main_after);
    let kinds: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "comment",
            "commit",
            "status-change",
            "comment",
            "status-change"
        ]
    );
    // Merged pull requests are frozen.
    let r = hub.req(Method::POST, &merge, Some(ALICE), None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = commit_to(&hub, "refs%2Fpr%2F1", CAROL, "", &[add("late", b"l")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(
        &hub,
        &format!("{REPO}/discussions/{pr}/status"),
        Some(ALICE),
        json!({"status": "closed"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn conflicting_pull_request_is_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::new(dir.path()).await;
    setup(&hub).await;
    let pr = open_discussion(&hub, ALICE, "Conflict", true).await;
    let r = commit_to(
        &hub,
        "refs%2Fpr%2F1",
        ALICE,
        "",
        &[add("a.txt", b"pr side\n")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = hub
        .commit("alice/m", ALICE, None, &[add("a.txt", b"main side\n")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let main = hub.sha("alice/m", None).await;
    let d = details(&hub, pr).await;
    assert_eq!(d["filesWithConflicts"], json!(["a.txt"]));
    post(
        &hub,
        &format!("{REPO}/discussions/{pr}/status"),
        Some(ALICE),
        json!({"status": "open"}),
    )
    .await;
    let r = hub
        .req(
            Method::POST,
            &format!("{REPO}/discussions/{pr}/merge"),
            Some(ALICE),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(body_json(r).await["filesWithConflicts"], json!(["a.txt"]));
    assert_eq!(hub.sha("alice/m", None).await, main, "nothing committed");
    assert_eq!(details(&hub, pr).await["status"], "open");
}

#[tokio::test]
async fn create_pr_commit_opens_a_pull_request() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path()).with_user("dave:hf_dave_write").unwrap();
    let hub = Hub::with_config(cfg).await;
    setup(&hub).await;
    let main = hub.sha("alice/m", None).await;

    // A non-member opens a pull request by committing with create_pr=1.
    let r = commit_to(
        &hub,
        "main",
        CAROL,
        "?create_pr=1",
        &[add("c.txt", b"carol")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    let oid = v["commitOid"].as_str().unwrap().to_string();
    assert_eq!(
        v["pullRequestUrl"],
        format!("{}/alice/m/discussions/1", hub.url)
    );
    assert_eq!(v["commitUrl"], format!("{}/alice/m/commit/{oid}", hub.url));
    assert_eq!(hub.sha("alice/m", None).await, main, "main untouched");
    let info = body_json(
        hub.get(&format!("{REPO}/revision/refs%2Fpr%2F1"), None)
            .await,
    )
    .await;
    assert_eq!(info["sha"], oid);
    let d = details(&hub, 1).await;
    assert_eq!(d["status"], "open");
    assert_eq!(d["title"], "PR commit");
    assert_eq!(d["author"]["name"], "carol");
    assert_eq!(d["events"][0]["data"]["latest"]["raw"], "why");
    assert_eq!(d["events"][1]["data"]["oid"], oid);
    let refs = body_json(hub.get(&format!("{REPO}/refs?include_prs=1"), None).await).await;
    assert_eq!(refs["pullRequests"][0]["ref"], "refs/pr/1");

    // Preupload and the LFS batch (without `ref`, as create_pr clients send it) are open to
    // her; an LFS upload for main is not.
    let r = post(
        &hub,
        &format!("{REPO}/preupload/main?create_pr=1"),
        Some(CAROL),
        json!({"files": [{"path": "w.bin", "size": 3, "sample": "AAAA"}]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let lfs = |r: Option<&str>| {
        let mut body = json!({"operation": "upload", "transfers": ["basic"], "hash_algo": "sha256",
            "objects": [{"oid": "a".repeat(64), "size": 3}]});
        if let Some(r) = r {
            body["ref"] = json!({"name": r});
        }
        body
    };
    for (reference, expected) in [
        (None, StatusCode::OK),
        (Some("refs/pr/1"), StatusCode::OK),
        (Some("main"), StatusCode::FORBIDDEN),
    ] {
        let r = post(
            &hub,
            "/alice/m.git/info/lfs/objects/batch",
            Some(CAROL),
            lfs(reference),
        )
        .await;
        assert_eq!(r.status(), expected, "{reference:?}");
    }

    // A pull request from an older parent starts there.
    let r = hub
        .commit("alice/m", ALICE, None, &[add("later.txt", b"later")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body =
        json!({"key": "header", "value": {"summary": "from old", "parentCommit": &main[..7]}})
            .to_string()
            + "\n"
            + &add("old.txt", b"o").to_string()
            + "\n";
    let r = hub
        .req(
            Method::POST,
            &format!("{REPO}/commit/main?create_pr=1"),
            Some(CAROL),
            Some(body.into_bytes()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let oid = body_json(r).await["commitOid"]
        .as_str()
        .unwrap()
        .to_string();
    let commits = body_json(
        hub.get(&format!("{REPO}/commits/refs%2Fpr%2F2"), None)
            .await,
    )
    .await;
    assert_eq!(commits[0]["id"], oid);
    assert_eq!(commits[1]["id"], main);

    // Pull requests target branches only; read tokens cannot open them.
    let r = hub
        .req(
            Method::POST,
            &format!("{REPO}/tag/main"),
            Some(ALICE),
            Some(json!({"tag": "v1"}).to_string().into_bytes()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = commit_to(&hub, "v1", CAROL, "?create_pr=1", &[add("t", b"t")]).await;
    assert_eq!(header(&r, "x-error-code"), Some("RevisionNotFound"));
    let r = commit_to(&hub, "main", BOB_READ, "?create_pr=1", &[add("t", b"t")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Another user cannot push to carol's pull request; the repository's owner can.
    let r = commit_to(
        &hub,
        "refs%2Fpr%2F1",
        "hf_dave_write",
        "",
        &[add("d.txt", b"d")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = commit_to(&hub, "refs%2Fpr%2F1", ALICE, "", &[add("owner.txt", b"o")]).await;
    assert_eq!(r.status(), StatusCode::OK);
}
