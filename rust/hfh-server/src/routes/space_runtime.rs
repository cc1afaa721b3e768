//! What the local Hub reports as a Space's runtime, and the hardware catalog.
//!
//! The local Hub stores Spaces but runs none of them. So the stage is derived from what it
//! really knows instead of imitating a build: a stage set by the operator (`LocalHub.set_space_stage`)
//! wins; then a paused Space is `PAUSED`; a Space without the app file its SDK needs is
//! `NO_APP_FILE`; every other Space is `STOPPED` (nothing serves it). Current hardware is only
//! reported while the operator says the Space runs.

use crate::card;
use crate::store::spaces::Settings;
use crate::store::trees::FileEntry;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Stages in which a Space runs (and so has current hardware).
const RUNNING_STAGES: &[&str] = &["RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"];

/// Stages a Space leaves on its own on the Hub (log streams stay open while in them).
pub const INTERMEDIATE_STAGES: &[&str] = &[
    "BUILDING",
    "RUNNING_BUILDING",
    "APP_STARTING",
    "RUNNING_APP_STARTING",
];

pub const DEFAULT_HARDWARE: &str = "cpu-basic";
/// Sleep time of free hardware on the Hub (48 hours, not configurable there).
const FREE_SLEEP_TIME: i64 = 172_800;

pub const STORAGE_TIERS: &[&str] = &["small", "medium", "large"];

/// One flavor: name, pretty name, CPU, RAM, accelerator (model, count, VRAM).
type Flavor = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
);

/// The flavors the Hub offers Spaces (upstream's `SpaceHardware`), with the machine sizes the
/// Hub publishes. The local Hub bills nothing, so every cost is 0.
const FLAVORS: &[Flavor] = &[
    ("cpu-basic", "CPU Basic", "2 vCPU", "16 GB", None),
    ("cpu-upgrade", "CPU Upgrade", "8 vCPU", "32 GB", None),
    (
        "zero-a10g",
        "ZeroGPU",
        "2 vCPU",
        "16 GB",
        Some(("A10G", "1", "24 GB")),
    ),
    (
        "t4-small",
        "Nvidia T4 - small",
        "4 vCPU",
        "15 GB",
        Some(("T4", "1", "16 GB")),
    ),
    (
        "t4-medium",
        "Nvidia T4 - medium",
        "8 vCPU",
        "30 GB",
        Some(("T4", "1", "16 GB")),
    ),
    (
        "l4x1",
        "1x Nvidia L4",
        "8 vCPU",
        "30 GB",
        Some(("L4", "1", "24 GB")),
    ),
    (
        "l4x4",
        "4x Nvidia L4",
        "48 vCPU",
        "186 GB",
        Some(("L4", "4", "96 GB")),
    ),
    (
        "l40sx1",
        "1x Nvidia L40S",
        "8 vCPU",
        "62 GB",
        Some(("L40S", "1", "48 GB")),
    ),
    (
        "l40sx4",
        "4x Nvidia L40S",
        "48 vCPU",
        "382 GB",
        Some(("L40S", "4", "192 GB")),
    ),
    (
        "l40sx8",
        "8x Nvidia L40S",
        "192 vCPU",
        "1534 GB",
        Some(("L40S", "8", "384 GB")),
    ),
    (
        "a10g-small",
        "Nvidia A10G - small",
        "4 vCPU",
        "15 GB",
        Some(("A10G", "1", "24 GB")),
    ),
    (
        "a10g-large",
        "Nvidia A10G - large",
        "12 vCPU",
        "46 GB",
        Some(("A10G", "1", "24 GB")),
    ),
    (
        "a10g-largex2",
        "2x Nvidia A10G - large",
        "24 vCPU",
        "92 GB",
        Some(("A10G", "2", "48 GB")),
    ),
    (
        "a10g-largex4",
        "4x Nvidia A10G - large",
        "48 vCPU",
        "184 GB",
        Some(("A10G", "4", "96 GB")),
    ),
    (
        "a100-large",
        "Nvidia A100 - large",
        "12 vCPU",
        "142 GB",
        Some(("A100", "1", "80 GB")),
    ),
    (
        "a100x4",
        "4x Nvidia A100",
        "48 vCPU",
        "568 GB",
        Some(("A100", "4", "320 GB")),
    ),
    (
        "a100x8",
        "8x Nvidia A100",
        "96 vCPU",
        "1136 GB",
        Some(("A100", "8", "640 GB")),
    ),
];

pub fn is_flavor(name: &str) -> bool {
    FLAVORS.iter().any(|f| f.0 == name)
}

pub fn flavor_names() -> String {
    FLAVORS.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
}

/// `GET /api/spaces/hardware` body.
pub fn catalog() -> Value {
    let items: Vec<Value> = FLAVORS
        .iter()
        .map(|(name, pretty, cpu, ram, acc)| {
            let accelerator = acc.map(|(model, quantity, vram)| {
                json!({"type": "gpu", "model": model, "quantity": quantity, "vram": vram, "manufacturer": "Nvidia"})
            });
            json!({
                "name": name,
                "prettyName": pretty,
                "cpu": cpu,
                "ram": ram,
                "accelerator": accelerator,
                "unitCostMicroUSD": 0,
                "unitCostUSD": 0.0,
                "unitLabel": "minute",
            })
        })
        .collect();
    Value::Array(items)
}

/// The file the Space's SDK starts from: the card's `app_file`, else the SDK's default.
fn app_file(sdk: &str, card: Option<&Map<String, Value>>) -> Option<String> {
    if sdk == "docker" {
        return Some("Dockerfile".into());
    }
    if let Some(Value::String(f)) = card.and_then(|c| c.get("app_file")) {
        return Some(f.trim_start_matches("./").to_string());
    }
    match sdk {
        "gradio" | "streamlit" => Some("app.py".into()),
        "static" => Some("index.html".into()),
        _ => None,
    }
}

/// The Space's SDK (the card's, else the one chosen at creation).
pub fn sdk_of(repo_sdk: Option<&str>, card: Option<&Map<String, Value>>) -> Option<String> {
    card::derive(crate::store::repos::RepoType::Space, card, repo_sdk).sdk
}

/// The stage reported for a Space (see the module documentation).
pub fn stage(
    settings: &Settings,
    sdk: Option<&str>,
    card: Option<&Map<String, Value>>,
    files: &BTreeMap<String, FileEntry>,
) -> String {
    if let Some(s) = &settings.stage {
        return s.clone();
    }
    if settings.paused {
        return "PAUSED".into();
    }
    let Some(sdk) = sdk else {
        return "CONFIG_ERROR".into();
    };
    match app_file(sdk, card) {
        None => "CONFIG_ERROR".into(),
        Some(f) if !files.contains_key(&f) => "NO_APP_FILE".into(),
        Some(_) => "STOPPED".into(),
    }
}

/// The runtime object of `/runtime` (and of the `runtime` field of Space info).
pub fn runtime_json(settings: &Settings, stage: &str) -> Value {
    let requested = settings
        .hardware
        .clone()
        .unwrap_or_else(|| DEFAULT_HARDWARE.to_string());
    let current = RUNNING_STAGES.contains(&stage).then(|| requested.clone());
    let gc_timeout = settings
        .sleep_time
        .or((requested == DEFAULT_HARDWARE).then_some(FREE_SLEEP_TIME));
    let mut body = json!({
        "stage": stage,
        "hardware": {"current": current, "requested": requested},
        "storage": settings.storage,
        "gcTimeout": gc_timeout,
        "replicas": {"requested": 1},
        "devMode": settings.dev_mode,
    });
    if let Some(volumes) = settings
        .volumes
        .as_deref()
        .and_then(|v| serde_json::from_str::<Value>(v).ok())
    {
        body["volumes"] = volumes;
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> BTreeMap<String, FileEntry> {
        names
            .iter()
            .map(|n| {
                let e = FileEntry {
                    oid: String::new(),
                    size: 0,
                    sha256: String::new(),
                    lfs: false,
                };
                (n.to_string(), e)
            })
            .collect()
    }

    #[test]
    fn stage_is_derived_from_real_state() {
        let s = Settings::default();
        assert_eq!(stage(&s, Some("gradio"), None, &files(&[])), "NO_APP_FILE");
        assert_eq!(
            stage(&s, Some("gradio"), None, &files(&["app.py"])),
            "STOPPED"
        );
        assert_eq!(
            stage(&s, Some("docker"), None, &files(&["app.py"])),
            "NO_APP_FILE"
        );
        assert_eq!(
            stage(&s, Some("static"), None, &files(&["index.html"])),
            "STOPPED"
        );
        let card = json!({"app_file": "src/main.py"});
        let card = card.as_object();
        assert_eq!(
            stage(&s, Some("gradio"), card, &files(&["app.py"])),
            "NO_APP_FILE"
        );
        assert_eq!(
            stage(&s, Some("gradio"), card, &files(&["src/main.py"])),
            "STOPPED"
        );
        assert_eq!(stage(&s, None, None, &files(&["app.py"])), "CONFIG_ERROR");
        let paused = Settings {
            paused: true,
            ..Default::default()
        };
        assert_eq!(stage(&paused, Some("gradio"), None, &files(&[])), "PAUSED");
        let set = Settings {
            paused: true,
            stage: Some("BUILDING".into()),
            ..Default::default()
        };
        assert_eq!(stage(&set, Some("gradio"), None, &files(&[])), "BUILDING");
    }

    #[test]
    fn runtime_reports_requested_settings_and_no_current_hardware_unless_running() {
        let s = Settings {
            hardware: Some("t4-small".into()),
            dev_mode: true,
            volumes: Some(r#"[{"type":"model","source":"a/b","mountPath":"/m"}]"#.into()),
            ..Default::default()
        };
        let r = runtime_json(&s, "STOPPED");
        assert_eq!(
            r["hardware"],
            json!({"current": null, "requested": "t4-small"})
        );
        assert_eq!(r["gcTimeout"], Value::Null);
        assert_eq!(r["devMode"], json!(true));
        assert_eq!(r["volumes"][0]["mountPath"], json!("/m"));
        let r = runtime_json(&Settings::default(), "RUNNING");
        assert_eq!(r["hardware"]["current"], json!("cpu-basic"));
        assert_eq!(r["gcTimeout"], json!(172_800));
        assert!(r.get("volumes").is_none());
    }

    #[test]
    fn catalog_lists_every_flavor_once() {
        let c = catalog();
        let names: Vec<&str> = c
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), FLAVORS.len());
        assert!(names.contains(&"a100x8") && is_flavor("t4-small") && !is_flavor("t4-huge"));
    }
}
