//! Rewriting and copying history: super-squash (one parentless commit holding a branch's
//! tree) and repository duplication (refs and every reachable commit copied; trees and blobs
//! are content-addressed and shared, so nothing is copied on disk).

use super::repos::{self, CommitRow, NewRepo, Repo};
use crate::errors::HubResult;
use crate::git;
use rusqlite::{Connection, TransactionBehavior};
use std::collections::HashSet;

/// The commit message as git stores it: summary, then a blank line and the description.
fn full_message(summary: &str, description: &str) -> String {
    if description.is_empty() {
        summary.to_string()
    } else {
        format!("{summary}\n\n{description}")
    }
}

/// Points `ref_name` at a new commit without parents whose tree is the ref's current tree.
/// Returns the new commit id. Commits of the old history stay stored (other refs may use them).
pub fn squash(
    conn: &mut Connection,
    repo: &Repo,
    ref_name: &str,
    author: &str,
    summary: &str,
    description: &str,
    now: i64,
) -> HubResult<String> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let head = repos::get_ref(&tx, repo.id, ref_name)?
        .ok_or_else(|| crate::errors::HubError::revision_not_found(ref_name))?;
    let tree_oid = repos::get_commit(&tx, repo.id, &head)?.tree_oid;
    let email = format!("{author}@users.noreply.huggingface.co");
    let oid = git::commit_oid(&git::CommitObject {
        tree: &tree_oid,
        parents: &[],
        author,
        email: &email,
        time_millis: now,
        message: &full_message(summary, description),
    });
    repos::insert_commit(
        &tx,
        repo.id,
        &CommitRow {
            oid: oid.clone(),
            tree_oid,
            parents: vec![],
            author: author.to_string(),
            title: summary.to_string(),
            message: description.to_string(),
            created_at: now,
        },
    )?;
    repos::set_ref(&tx, repo.id, ref_name, &oid)?;
    repos::touch_repo(&tx, repo.id, now)?;
    tx.commit()?;
    Ok(oid)
}

/// Creates `new` as a copy of `source`: its branches and tags, and every commit reachable
/// from them. Returns `None` (nothing created) if `new` already exists.
pub fn duplicate(
    conn: &mut Connection,
    source: &Repo,
    new: &NewRepo<'_>,
) -> HubResult<Option<Repo>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(copy) = repos::insert_repo(&tx, new)? else {
        return Ok(None);
    };
    let mut seen = HashSet::new();
    for (name, oid) in repos::list_refs(&tx, source.id)? {
        if !(name.starts_with("refs/heads/") || name.starts_with("refs/tags/")) {
            continue;
        }
        repos::set_ref(&tx, copy.id, &name, &oid)?;
        let mut pending = vec![oid];
        while let Some(oid) = pending.pop() {
            if !seen.insert(oid.clone()) {
                continue;
            }
            let commit = repos::get_commit(&tx, source.id, &oid)?;
            pending.extend(commit.parents.iter().cloned());
            repos::insert_commit(&tx, copy.id, &commit)?;
        }
    }
    super::redirects::forget(&tx, new.kind, new.namespace, new.name)?;
    tx.commit()?;
    Ok(Some(copy))
}
