//! Spaces runtime state: the settings an owner asked for, variables, secret names and the
//! runtime events that make up a Space's logs (see `routes::spaces` for what is derived from them).

use crate::errors::{HubError, HubResult};
use crate::util::now_millis;
use rusqlite::{params, Connection, OptionalExtension};

/// Every stage a Space can be in on the Hub.
pub const STAGES: &[&str] = &[
    "NO_APP_FILE",
    "CONFIG_ERROR",
    "BUILDING",
    "BUILD_ERROR",
    "RUNNING",
    "RUNNING_BUILDING",
    "RUNTIME_ERROR",
    "DELETING",
    "STOPPED",
    "PAUSED",
    "APP_STARTING",
    "RUNNING_APP_STARTING",
];

/// What the owner of a Space asked for. A Space without a row has the defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Requested hardware flavor (`None`: the free `cpu-basic`).
    pub hardware: Option<String>,
    /// Requested sleep time in seconds (`None`: the flavor's default).
    pub sleep_time: Option<i64>,
    pub storage: Option<String>,
    pub dev_mode: bool,
    pub paused: bool,
    /// A stage set by the local Hub's operator; `None`: derived from the repository.
    pub stage: Option<String>,
    /// JSON array of volume objects, as the Hub reports them.
    pub volumes: Option<String>,
}

pub fn settings(conn: &Connection, repo_id: i64) -> HubResult<Settings> {
    let row = conn
        .query_row(
            "SELECT hardware, sleep_time, storage, dev_mode, paused, stage, volumes
             FROM space_runtime WHERE repo_id = ?1",
            [repo_id],
            |r| {
                Ok(Settings {
                    hardware: r.get(0)?,
                    sleep_time: r.get(1)?,
                    storage: r.get(2)?,
                    dev_mode: r.get(3)?,
                    paused: r.get(4)?,
                    stage: r.get(5)?,
                    volumes: r.get(6)?,
                })
            },
        )
        .optional()?;
    Ok(row.unwrap_or_default())
}

pub fn save_settings(conn: &Connection, repo_id: i64, s: &Settings) -> HubResult<()> {
    conn.execute(
        "INSERT INTO space_runtime (repo_id, hardware, sleep_time, storage, dev_mode, paused, stage, volumes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (repo_id) DO UPDATE SET hardware = ?2, sleep_time = ?3, storage = ?4,
             dev_mode = ?5, paused = ?6, stage = ?7, volumes = ?8",
        params![
            repo_id,
            s.hardware,
            s.sleep_time,
            s.storage,
            s.dev_mode,
            s.paused,
            s.stage,
            s.volumes
        ],
    )?;
    Ok(())
}

/// Which log an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    Run,
    Build,
}

impl Log {
    fn as_str(self) -> &'static str {
        match self {
            Log::Run => "run",
            Log::Build => "build",
        }
    }
}

pub fn record_event(
    conn: &Connection,
    repo_id: i64,
    log: Log,
    line: &str,
    now: i64,
) -> HubResult<()> {
    conn.execute(
        "INSERT INTO space_events (repo_id, log, line, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![repo_id, log.as_str(), line, now],
    )?;
    Ok(())
}

/// One line of a Space's log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub line: String,
    pub created_at: i64,
}

/// Events of one log after event id `after` (0: from the start), oldest first.
pub fn events(conn: &Connection, repo_id: i64, log: Log, after: i64) -> HubResult<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, line, created_at FROM space_events
         WHERE repo_id = ?1 AND log = ?2 AND id > ?3 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![repo_id, log.as_str(), after], |r| {
            Ok(Event {
                id: r.get(0)?,
                line: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A variable (`value` set) or a secret (`value` always `None`: secret values are not kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: Option<String>,
    pub description: Option<String>,
    pub updated_at: i64,
}

/// Which key/value table: secrets keep no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Secret,
    Variable,
}

/// Adds or replaces a key. A description left out keeps the previous one, as on the Hub.
pub fn put_entry(
    conn: &Connection,
    repo_id: i64,
    kind: Kind,
    key: &str,
    value: &str,
    description: Option<&str>,
    now: i64,
) -> HubResult<()> {
    match kind {
        Kind::Secret => conn.execute(
            "INSERT INTO space_secrets (repo_id, key, description, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (repo_id, key) DO UPDATE
             SET description = coalesce(?3, description), updated_at = ?4",
            params![repo_id, key, description, now],
        )?,
        Kind::Variable => conn.execute(
            "INSERT INTO space_variables (repo_id, key, value, description, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (repo_id, key) DO UPDATE
             SET value = ?3, description = coalesce(?4, description), updated_at = ?5",
            params![repo_id, key, value, description, now],
        )?,
    };
    Ok(())
}

/// Removes a key; true if it existed.
pub fn delete_entry(conn: &Connection, repo_id: i64, kind: Kind, key: &str) -> HubResult<bool> {
    let sql = match kind {
        Kind::Secret => "DELETE FROM space_secrets WHERE repo_id = ?1 AND key = ?2",
        Kind::Variable => "DELETE FROM space_variables WHERE repo_id = ?1 AND key = ?2",
    };
    Ok(conn.execute(sql, params![repo_id, key])? > 0)
}

/// Every key of a Space, sorted by key.
pub fn entries(conn: &Connection, repo_id: i64, kind: Kind) -> HubResult<Vec<Entry>> {
    let sql = match kind {
        Kind::Secret => {
            "SELECT key, NULL, description, updated_at FROM space_secrets WHERE repo_id = ?1 ORDER BY key"
        }
        Kind::Variable => {
            "SELECT key, value, description, updated_at FROM space_variables WHERE repo_id = ?1 ORDER BY key"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([repo_id], |r| {
            Ok(Entry {
                key: r.get(0)?,
                value: r.get(1)?,
                description: r.get(2)?,
                updated_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Sets (or with `None` clears) the stage of Space `repo_id` (`ns/name`) as the local Hub's
/// operator: `LocalHub.set_space_stage`. Lets users and tests drive `wait_for_space`.
pub fn set_operator_stage(c: &mut Connection, repo_id: &str, stage: Option<&str>) -> HubResult<()> {
    if let Some(s) = stage {
        if !STAGES.contains(&s) {
            return Err(HubError::bad_request(format!(
                "Invalid stage '{s}'. Valid stages: {}",
                STAGES.join(", ")
            )));
        }
    }
    let (ns, name) = repo_id
        .split_once('/')
        .ok_or_else(|| HubError::bad_request(format!("Invalid Space id '{repo_id}'")))?;
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let repo = super::repos::find_repo(&tx, super::repos::RepoType::Space, ns, name)?
        .ok_or_else(|| HubError::not_found(format!("Space '{repo_id}' not found")))?;
    let mut settings = settings(&tx, repo.id)?;
    settings.stage = stage.map(str::to_string);
    save_settings(&tx, repo.id, &settings)?;
    let line = match stage {
        Some(s) => format!("Stage set to {s} by the local Hub operator"),
        None => "Stage set back to the derived one by the local Hub operator".into(),
    };
    record_event(&tx, repo.id, Log::Run, &line, now_millis())?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema;

    fn db_with_repo() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", "ON").unwrap();
        schema::migrate(&mut c).unwrap();
        c.execute(
            "INSERT INTO repos (id, hub_id, type, namespace, name, sdk, created_at, last_modified)
             VALUES (1, 'h', 'space', 'u', 's', 'gradio', 0, 0)",
            [],
        )
        .unwrap();
        c
    }

    #[test]
    fn settings_default_then_round_trip() {
        let c = db_with_repo();
        assert_eq!(settings(&c, 1).unwrap(), Settings::default());
        let s = Settings {
            hardware: Some("t4-small".into()),
            sleep_time: Some(300),
            dev_mode: true,
            volumes: Some("[]".into()),
            ..Default::default()
        };
        save_settings(&c, 1, &s).unwrap();
        assert_eq!(settings(&c, 1).unwrap(), s);
    }

    #[test]
    fn secrets_keep_no_value_and_descriptions_survive_updates() {
        let c = db_with_repo();
        put_entry(&c, 1, Kind::Secret, "K", "v1", Some("d"), 1).unwrap();
        put_entry(&c, 1, Kind::Secret, "K", "v2", None, 2).unwrap();
        let e = entries(&c, 1, Kind::Secret).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].value.as_deref(), e[0].description.as_deref()),
            (None, Some("d"))
        );
        assert_eq!(e[0].updated_at, 2);
        assert!(delete_entry(&c, 1, Kind::Secret, "K").unwrap());
        assert!(!delete_entry(&c, 1, Kind::Secret, "K").unwrap());
    }

    #[test]
    fn events_are_per_log_and_resumable() {
        let c = db_with_repo();
        record_event(&c, 1, Log::Run, "a", 1).unwrap();
        record_event(&c, 1, Log::Build, "b", 2).unwrap();
        record_event(&c, 1, Log::Run, "c", 3).unwrap();
        let run = events(&c, 1, Log::Run, 0).unwrap();
        assert_eq!(
            run.iter().map(|e| e.line.as_str()).collect::<Vec<_>>(),
            ["a", "c"]
        );
        let after = events(&c, 1, Log::Run, run[0].id).unwrap();
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].line, "c");
    }

    #[test]
    fn deleting_the_repo_deletes_its_runtime() {
        let c = db_with_repo();
        put_entry(&c, 1, Kind::Variable, "K", "v", None, 1).unwrap();
        record_event(&c, 1, Log::Run, "a", 1).unwrap();
        c.execute("DELETE FROM repos WHERE id = 1", []).unwrap();
        assert!(entries(&c, 1, Kind::Variable).unwrap().is_empty());
        assert!(events(&c, 1, Log::Run, 0).unwrap().is_empty());
    }
}
