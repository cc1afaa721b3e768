//! The `hfh-server` binary: endpoint on the first stdout line, clean exit on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn binary_prints_endpoint_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hfh-server"))
        .arg(dir.path())
        .args([
            "--port",
            "0",
            "--user",
            "alice:hf_cli_token",
            "--org",
            "acme:alice",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hfh-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line.trim().to_string();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint:?}");
    assert!(!endpoint.ends_with(":0"));

    let r = reqwest::Client::new()
        .get(format!("{endpoint}/api/whoami-v2"))
        .bearer_auth("hf_cli_token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.contains("\"acme\""), "{text}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit: {:?}", out.status);
    // the token never appears in the server's output
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hf_cli_token"));
    assert!(dir.path().join("hub.sqlite").is_file());
}

#[test]
fn binary_rejects_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_hfh-server"))
        .args(["--port", "not-a-port"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid port"));
}
