//! Collections and their items.
//!
//! A collection is owned by a user or an organisation and addressed by its slug
//! `{owner}/{title-slug}-{24 hex id}`; only the trailing id identifies it, so slugs made from
//! an older title keep working. Items point at a repository, another collection or a paper
//! id, and keep a dense `position` (0, 1, 2, ...).

use super::accounts::Account;
use crate::errors::{HubError, HubResult};
use crate::util::random_hex;
use rusqlite::{params, Connection, OptionalExtension, Row};

pub const THEMES: [&str; 6] = ["orange", "blue", "green", "purple", "pink", "indigo"];

#[derive(Debug, Clone)]
pub struct Collection {
    pub id: i64,
    pub hub_id: String,
    pub owner: Account,
    pub title: String,
    pub description: Option<String>,
    pub private: bool,
    pub theme: String,
    pub position: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Collection {
    pub fn slug(&self) -> String {
        format!(
            "{}/{}-{}",
            self.owner.name,
            slugify(&self.title),
            self.hub_id
        )
    }
}

/// The title part of a slug: lower-case ASCII letters and digits, other runs become `-`.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "collection".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The collection id at the end of a slug (`ns/title-<24 hex>`), with the namespace.
pub fn parse_slug(slug: &str) -> Option<(&str, &str)> {
    let (ns, rest) = slug.split_once('/')?;
    let id = rest.rsplit('-').next()?;
    (id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some((ns, id))
}

const COLS: &str = "c.id, c.hub_id, c.title, c.description, c.private, c.theme, c.position, \
     c.created_at, c.updated_at, a.id, a.name, a.kind, a.hub_id, a.fullname, a.created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        hub_id: r.get(1)?,
        title: r.get(2)?,
        description: r.get(3)?,
        private: r.get(4)?,
        theme: r.get(5)?,
        position: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        owner: Account {
            id: r.get(9)?,
            name: r.get(10)?,
            kind: r.get(11)?,
            hub_id: r.get(12)?,
            fullname: r.get(13)?,
            created_at: r.get(14)?,
        },
    })
}

fn select(filter: &str) -> String {
    format!("SELECT {COLS} FROM collections c JOIN accounts a ON a.id = c.owner_id WHERE {filter}")
}

pub fn by_hub_id(conn: &Connection, hub_id: &str) -> HubResult<Option<Collection>> {
    Ok(conn
        .query_row(
            &select("c.hub_id = ?1"),
            [hub_id.to_ascii_lowercase()],
            from_row,
        )
        .optional()?)
}

pub fn by_row_id(conn: &Connection, id: i64) -> HubResult<Option<Collection>> {
    Ok(conn
        .query_row(&select("c.id = ?1"), [id], from_row)
        .optional()?)
}

/// The owner's collection with this title (titles are unique per owner, case-insensitively).
pub fn by_title(conn: &Connection, owner_id: i64, title: &str) -> HubResult<Option<Collection>> {
    Ok(conn
        .query_row(
            &select("c.owner_id = ?1 AND lower(c.title) = lower(?2)"),
            params![owner_id, title],
            from_row,
        )
        .optional()?)
}

pub struct NewCollection<'a> {
    pub owner: &'a Account,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub private: bool,
    pub now: i64,
}

/// Creates a collection last in its owner's list, with a theme picked at random.
pub fn create(conn: &Connection, new: &NewCollection<'_>) -> HubResult<Collection> {
    let hub_id = random_hex(12);
    let theme = THEMES[usize::from_str_radix(&hub_id[..2], 16).unwrap_or(0) % THEMES.len()];
    conn.execute(
        "INSERT INTO collections (hub_id, owner_id, title, description, private, theme, position,
                                  created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6,
                 (SELECT count(*) FROM collections WHERE owner_id = ?2), ?7, ?7)",
        params![
            hub_id,
            new.owner.id,
            new.title,
            new.description,
            new.private,
            theme,
            new.now
        ],
    )?;
    by_hub_id(conn, &hub_id)?.ok_or_else(|| HubError::internal("collection vanished"))
}

/// Metadata changes; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct MetadataChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub private: Option<bool>,
    pub theme: Option<String>,
    pub position: Option<i64>,
}

pub fn update(
    conn: &Connection,
    c: &Collection,
    change: &MetadataChange,
    now: i64,
) -> HubResult<()> {
    conn.execute(
        "UPDATE collections SET title = coalesce(?2, title), description = coalesce(?3, description),
             private = coalesce(?4, private), theme = coalesce(?5, theme), updated_at = ?6
         WHERE id = ?1",
        params![
            c.id,
            change.title,
            change.description,
            change.private,
            change.theme,
            now
        ],
    )?;
    if let Some(position) = change.position {
        // Move it among the owner's collections and renumber them densely.
        let mut stmt = conn.prepare(
            "SELECT id FROM collections WHERE owner_id = ?1 AND id != ?2 ORDER BY position, id",
        )?;
        let mut ids: Vec<i64> = stmt
            .query_map(params![c.owner.id, c.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.insert((position.max(0) as usize).min(ids.len()), c.id);
        for (i, id) in ids.iter().enumerate() {
            conn.execute(
                "UPDATE collections SET position = ?2 WHERE id = ?1",
                params![id, i as i64],
            )?;
        }
    }
    Ok(())
}

pub fn delete(conn: &Connection, c: &Collection) -> HubResult<()> {
    conn.execute("DELETE FROM collections WHERE id = ?1", [c.id])?;
    conn.execute(
        "UPDATE collections SET position = position - 1 WHERE owner_id = ?1 AND position > ?2",
        params![c.owner.id, c.position],
    )?;
    Ok(())
}

pub fn touch(conn: &Connection, collection_id: i64, now: i64) -> HubResult<()> {
    conn.execute(
        "UPDATE collections SET updated_at = ?2 WHERE id = ?1",
        params![collection_id, now],
    )?;
    Ok(())
}

/// What an item points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `model` / `dataset` / `space` and the repository's row id.
    Repo(String, i64),
    Collection(i64),
    Paper(String),
}

impl Target {
    pub fn kind(&self) -> &str {
        match self {
            Target::Repo(kind, _) => kind,
            Target::Collection(_) => "collection",
            Target::Paper(_) => "paper",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub hub_id: String,
    pub target: Target,
    pub note: Option<String>,
    pub position: i64,
}

const ITEM_COLS: &str = "id, hub_id, item_type, repo_id, ref_collection, paper_id, note, position";

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    let kind: String = r.get(2)?;
    let repo: Option<i64> = r.get(3)?;
    let collection: Option<i64> = r.get(4)?;
    let paper: Option<String> = r.get(5)?;
    let target = match (kind.as_str(), repo, collection) {
        ("collection", _, Some(c)) => Target::Collection(c),
        ("paper", _, _) => Target::Paper(paper.unwrap_or_default()),
        (_, Some(repo), _) => Target::Repo(kind, repo),
        _ => Target::Paper(paper.unwrap_or_default()),
    };
    Ok(Item {
        id: r.get(0)?,
        hub_id: r.get(1)?,
        target,
        note: r.get(6)?,
        position: r.get(7)?,
    })
}

/// Items in position order, at most `limit`.
pub fn items(conn: &Connection, collection_id: i64, limit: Option<usize>) -> HubResult<Vec<Item>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ITEM_COLS} FROM collection_items WHERE collection_id = ?1
         ORDER BY position, id LIMIT ?2"
    ))?;
    let limit = limit.map_or(-1, |l| l as i64);
    let rows = stmt
        .query_map(params![collection_id, limit], item_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn item(conn: &Connection, collection_id: i64, hub_id: &str) -> HubResult<Option<Item>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {ITEM_COLS} FROM collection_items WHERE collection_id = ?1 AND hub_id = ?2"
            ),
            params![collection_id, hub_id.to_ascii_lowercase()],
            item_from_row,
        )
        .optional()?)
}

pub fn contains(conn: &Connection, collection_id: i64, target: &Target) -> HubResult<bool> {
    Ok(items(conn, collection_id, None)?
        .iter()
        .any(|i| &i.target == target))
}

/// Appends an item.
pub fn add_item(
    conn: &Connection,
    collection_id: i64,
    target: &Target,
    note: Option<&str>,
    now: i64,
) -> HubResult<()> {
    let (repo, collection, paper) = match target {
        Target::Repo(_, id) => (Some(*id), None, None),
        Target::Collection(id) => (None, Some(*id), None),
        Target::Paper(p) => (None, None, Some(p.as_str())),
    };
    conn.execute(
        "INSERT INTO collection_items (collection_id, hub_id, item_type, repo_id, ref_collection,
                                       paper_id, note, position, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                 (SELECT count(*) FROM collection_items WHERE collection_id = ?1), ?8)",
        params![
            collection_id,
            random_hex(12),
            target.kind(),
            repo,
            collection,
            paper,
            note,
            now
        ],
    )?;
    Ok(())
}

/// Sets an item's note (`Some("")` removes it) and/or moves it, renumbering the others.
pub fn update_item(
    conn: &Connection,
    collection_id: i64,
    item: &Item,
    note: Option<&str>,
    position: Option<i64>,
) -> HubResult<()> {
    if let Some(note) = note {
        let note = (!note.is_empty()).then_some(note);
        conn.execute(
            "UPDATE collection_items SET note = ?2 WHERE id = ?1",
            params![item.id, note],
        )?;
    }
    if let Some(position) = position {
        let mut ids: Vec<i64> = items(conn, collection_id, None)?
            .iter()
            .filter(|i| i.id != item.id)
            .map(|i| i.id)
            .collect();
        ids.insert((position.max(0) as usize).min(ids.len()), item.id);
        renumber(conn, &ids)?;
    }
    Ok(())
}

fn renumber(conn: &Connection, ids: &[i64]) -> HubResult<()> {
    for (i, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE collection_items SET position = ?2 WHERE id = ?1",
            params![id, i as i64],
        )?;
    }
    Ok(())
}

pub fn delete_item(conn: &Connection, collection_id: i64, item: &Item) -> HubResult<()> {
    conn.execute("DELETE FROM collection_items WHERE id = ?1", [item.id])?;
    let ids: Vec<i64> = items(conn, collection_id, None)?
        .iter()
        .map(|i| i.id)
        .collect();
    renumber(conn, &ids)
}

/// Every collection, most recently updated first (visibility is up to the caller).
pub fn all(conn: &Connection) -> HubResult<Vec<Collection>> {
    let mut stmt = conn.prepare(&format!(
        "{} ORDER BY c.updated_at DESC, c.id DESC",
        select("1 = 1")
    ))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("ICCV 2023"), "iccv-2023");
        assert_eq!(slugify("  Team picks!! (v2) "), "team-picks-v2");
        assert_eq!(slugify("Bob's"), "bob-s");
        assert_eq!(slugify("日本"), "collection");
        let id = "64f9a55bb3115b4f513ec026";
        assert_eq!(
            parse_slug(&format!("user/iccv-2023-{id}")),
            Some(("user", id))
        );
        assert_eq!(parse_slug(&format!("user/{id}")), Some(("user", id)));
        assert_eq!(parse_slug("user/iccv-2023"), None);
        assert_eq!(parse_slug(id), None);
    }
}
