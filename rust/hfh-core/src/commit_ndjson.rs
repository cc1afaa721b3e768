//! The body of a commit request (NDJSON) with the content of regular files read from disk.
//!
//! Regular files travel base64-encoded inside `file` lines. Each line is written byte for byte as
//! Python's `json.dumps` writes it (what the client sent before this existed, and what the Hub
//! receives from upstream's client):
//!
//! `{"key": "file", "value": {"content": "<base64>", "path": <path>, "encoding": "base64"}}\n`
//!
//! where `<path>` arrives already JSON-encoded by the caller (Python escapes it exactly as
//! `json.dumps` does, lone surrogates included, which a Rust string could not even hold). Other
//! lines (header, LFS pointers, deletions, copies) are cheap and come ready-made.
//!
//! Reading and encoding thousands of small files is most of the cost of a commit of a folder:
//! here it runs several files at a time, without the GIL.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::oid::HashError;
use crate::parallel::map_in_order;
use crate::Cancel;

const FILE_PREFIX: &[u8] = br#"{"key": "file", "value": {"content": ""#;
const FILE_MIDDLE: &[u8] = br#"", "path": "#;
const FILE_SUFFIX: &[u8] = b", \"encoding\": \"base64\"}}\n";

/// One line of the body, in order.
#[derive(Debug, Clone, Copy)]
pub enum Line<'a> {
    /// Written as is (it already ends with a newline).
    Raw(&'a [u8]),
    /// A `file` line with the content of `source`, for `path_json` (a JSON string literal).
    File {
        source: &'a Path,
        path_json: &'a [u8],
    },
    /// A `file` line with `content` (already read), for `path_json`.
    Content {
        content: &'a [u8],
        path_json: &'a [u8],
    },
}

/// The body, as pieces to write one after the other: `file` lines are encoded by
/// [`Body::write_into`], straight into the request's buffer. Encoding each line into a buffer
/// of its own first, then copying it, touched twice the memory, and fresh memory is most of the
/// cost of building a body of thousands of small files.
pub struct Body<'a> {
    pieces: Vec<Piece<'a>>,
}

enum Piece<'a> {
    Raw(&'a [u8]),
    File {
        content: Content<'a>,
        path_json: &'a [u8],
    },
}

/// The content of a `file` line: given by the caller, or read from disk by [`build`].
enum Content<'a> {
    Borrowed(&'a [u8]),
    Read(Vec<u8>),
}

/// Bodies smaller than this are written by one thread.
const PARALLEL_WRITE_MIN_BYTES: usize = 1 << 20;

impl Body<'_> {
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Piece::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Write the body into `out`, which must be exactly [`Body::len`] bytes long, `workers`
    /// threads at a time (0: one per core) when it is big.
    pub fn write_into(&self, out: &mut [u8], workers: usize) {
        assert_eq!(
            out.len(),
            self.len(),
            "the buffer must fit the body exactly"
        );
        let workers = if workers == 0 {
            crate::parallel::default_workers()
        } else {
            workers
        };
        if workers < 2 || out.len() < PARALLEL_WRITE_MIN_BYTES {
            let mut rest = out;
            for piece in &self.pieces {
                let (here, after) = rest.split_at_mut(piece.len());
                piece.write(here);
                rest = after;
            }
            return;
        }
        // Contiguous runs of pieces of about equal size, one per thread, each with its part of
        // the buffer.
        let share = out.len().div_ceil(workers);
        let mut runs: Vec<(&[Piece<'_>], &mut [u8])> = Vec::with_capacity(workers);
        let (mut rest, mut first, mut taken) = (out, 0, 0);
        for (index, piece) in self.pieces.iter().enumerate() {
            taken += piece.len();
            if taken >= share || index + 1 == self.pieces.len() {
                let (here, after) = std::mem::take(&mut rest).split_at_mut(taken);
                runs.push((&self.pieces[first..=index], here));
                rest = after;
                first = index + 1;
                taken = 0;
            }
        }
        std::thread::scope(|scope| {
            for (pieces, buffer) in runs {
                scope.spawn(move || {
                    let mut rest = buffer;
                    for piece in pieces {
                        let (here, after) = rest.split_at_mut(piece.len());
                        piece.write(here);
                        rest = after;
                    }
                });
            }
        });
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = vec![0; self.len()];
        self.write_into(&mut out, 1);
        out
    }
}

impl Piece<'_> {
    fn len(&self) -> usize {
        match self {
            Piece::Raw(bytes) => bytes.len(),
            Piece::File { content, path_json } => file_line_len(content.bytes().len(), path_json),
        }
    }

    /// Writes the piece into `out`, exactly [`Piece::len`] bytes.
    fn write(&self, out: &mut [u8]) {
        match self {
            Piece::Raw(bytes) => out.copy_from_slice(bytes),
            Piece::File { content, path_json } => write_file_line(content.bytes(), path_json, out),
        }
    }
}

impl Content<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Content::Borrowed(bytes) => bytes,
            Content::Read(bytes) => bytes,
        }
    }
}

/// Length of the `file` line of `content_len` bytes for `path_json`.
fn file_line_len(content_len: usize, path_json: &[u8]) -> usize {
    FILE_PREFIX.len()
        + content_len.div_ceil(3) * 4
        + FILE_MIDDLE.len()
        + path_json.len()
        + FILE_SUFFIX.len()
}

/// Writes the `file` line of `content` for `path_json` into `out` (exactly its length).
fn write_file_line(content: &[u8], path_json: &[u8], out: &mut [u8]) {
    let (prefix, rest) = out.split_at_mut(FILE_PREFIX.len());
    prefix.copy_from_slice(FILE_PREFIX);
    let (encoded, rest) = rest.split_at_mut(content.len().div_ceil(3) * 4);
    let written = STANDARD
        .encode_slice(content, encoded)
        .expect("buffer sized for the padded encoding");
    debug_assert_eq!(written, encoded.len());
    let (middle, rest) = rest.split_at_mut(FILE_MIDDLE.len());
    middle.copy_from_slice(FILE_MIDDLE);
    let (path, suffix) = rest.split_at_mut(path_json.len());
    path.copy_from_slice(path_json);
    suffix.copy_from_slice(FILE_SUFFIX);
}

/// The `file` line of `content` for `path_json`.
pub fn file_line(content: &[u8], path_json: &[u8]) -> Vec<u8> {
    let mut line = vec![0; file_line_len(content.len(), path_json)];
    write_file_line(content, path_json, &mut line);
    line
}

/// Read every `File` line's source (`workers` at a time, 0: one per core); the body is then
/// written by [`Body::write_into`]. The first file that cannot be read gives its error; once
/// `cancel` is set, [`HashError::Cancelled`].
pub fn build<'a>(
    lines: &[Line<'a>],
    workers: usize,
    cancel: &Cancel,
) -> Result<Body<'a>, HashError> {
    let sources: Vec<&Path> = lines
        .iter()
        .filter_map(|line| match line {
            Line::File { source, .. } => Some(*source),
            _ => None,
        })
        .collect();
    let read = map_in_order(&sources, workers, cancel, |source| {
        std::fs::read(source).map_err(|error| HashError::Io {
            path: source.to_path_buf(),
            source: error,
        })
    });
    let mut read = read.into_iter();
    let mut pieces = Vec::with_capacity(lines.len());
    for line in lines {
        pieces.push(match *line {
            Line::Raw(bytes) => Piece::Raw(bytes),
            Line::Content { content, path_json } => Piece::File {
                content: Content::Borrowed(content),
                path_json,
            },
            Line::File { path_json, .. } => match read.next().flatten() {
                Some(Ok(content)) => Piece::File {
                    content: Content::Read(content),
                    path_json,
                },
                Some(Err(error)) => return Err(error),
                None => return Err(HashError::Cancelled),
            },
        });
    }
    Ok(Body { pieces })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_line_matches_json_dumps_layout() {
        let line = file_line(b"hello", br#""a/b.txt""#);
        assert_eq!(
            line,
            b"{\"key\": \"file\", \"value\": {\"content\": \"aGVsbG8=\", \"path\": \"a/b.txt\", \"encoding\": \"base64\"}}\n"
        );
        let empty = file_line(b"", br#""e""#);
        assert_eq!(
            empty,
            b"{\"key\": \"file\", \"value\": {\"content\": \"\", \"path\": \"e\", \"encoding\": \"base64\"}}\n"
        );
    }

    #[test]
    fn padding_for_every_length_remainder() {
        for (content, encoded) in [(&b"a"[..], "YQ=="), (b"ab", "YWI="), (b"abc", "YWJj")] {
            let line = file_line(content, b"\"p\"");
            let text = String::from_utf8(line).unwrap();
            assert!(
                text.contains(&format!("\"content\": \"{encoded}\"")),
                "{text}"
            );
        }
    }

    #[test]
    fn body_keeps_line_order_and_raw_lines() {
        let dir = tempfile::tempdir().unwrap();
        let mut sources = Vec::new();
        for i in 0..20 {
            let path = dir.path().join(format!("f{i}"));
            std::fs::write(&path, format!("content {i}")).unwrap();
            sources.push(path);
        }
        let names: Vec<Vec<u8>> = (0..20).map(|i| format!("\"f{i}\"").into_bytes()).collect();
        let header = b"{\"key\": \"header\"}\n".to_vec();
        let mut lines = vec![Line::Raw(&header)];
        for (i, source) in sources.iter().enumerate() {
            lines.push(Line::File {
                source,
                path_json: &names[i],
            });
            if i == 7 {
                lines.push(Line::Raw(b"{\"key\": \"deletedFile\"}\n"));
            }
        }
        lines.push(Line::Content {
            content: b"in memory",
            path_json: b"\"m\"",
        });
        let body = build(&lines, 4, &Cancel::new()).unwrap();
        let mut expected = header.clone();
        for (i, name) in names.iter().enumerate() {
            expected.extend(file_line(format!("content {i}").as_bytes(), name));
            if i == 7 {
                expected.extend_from_slice(b"{\"key\": \"deletedFile\"}\n");
            }
        }
        expected.extend(file_line(b"in memory", b"\"m\""));
        assert_eq!(body.len(), expected.len());
        assert_eq!(body.to_vec(), expected);
    }

    #[test]
    fn parallel_write_equals_the_lines_one_after_the_other() {
        // Over `PARALLEL_WRITE_MIN_BYTES`, with contents of every length remainder and raw lines.
        let contents: Vec<Vec<u8>> = (0..700)
            .map(|i| (0..(1500 + i)).map(|b| (b * 7 + i) as u8).collect())
            .collect();
        let names: Vec<Vec<u8>> = (0..700)
            .map(|i| format!("\"d/f{i}\"").into_bytes())
            .collect();
        let mut lines = vec![Line::Raw(b"{\"key\": \"header\"}\n")];
        let mut expected = b"{\"key\": \"header\"}\n".to_vec();
        for (i, (content, name)) in contents.iter().zip(&names).enumerate() {
            lines.push(Line::Content {
                content,
                path_json: name,
            });
            expected.extend(file_line(content, name));
            if i % 100 == 0 {
                lines.push(Line::Raw(b"{\"key\": \"deletedFile\"}\n"));
                expected.extend_from_slice(b"{\"key\": \"deletedFile\"}\n");
            }
        }
        let body = build(&lines, 0, &Cancel::new()).unwrap();
        assert!(body.len() > PARALLEL_WRITE_MIN_BYTES);
        for workers in [2, 3, 8] {
            let mut out = vec![0xAA; body.len()];
            body.write_into(&mut out, workers);
            assert!(out == expected, "{workers} workers");
        }
        assert!(body.to_vec() == expected);
    }

    #[test]
    fn unreadable_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let lines = [Line::File {
            source: &missing,
            path_json: b"\"x\"",
        }];
        match build(&lines, 0, &Cancel::new()) {
            Err(HashError::Io { path, .. }) => assert_eq!(path, missing),
            Err(other) => panic!("unexpected {other:?}"),
            Ok(_) => panic!("a missing file must fail"),
        }
    }
}
