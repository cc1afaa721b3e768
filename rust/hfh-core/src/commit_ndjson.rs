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

/// The body, as pieces to write one after the other.
pub struct Body<'a> {
    pieces: Vec<Piece<'a>>,
}

enum Piece<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Body<'_> {
    pub fn len(&self) -> usize {
        self.pieces.iter().map(|p| p.bytes().len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Write the body into `out`, which must be exactly [`Body::len`] bytes long.
    pub fn write_into(&self, out: &mut [u8]) {
        let mut at = 0;
        for piece in &self.pieces {
            let bytes = piece.bytes();
            out[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        }
        debug_assert_eq!(at, out.len());
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = vec![0; self.len()];
        self.write_into(&mut out);
        out
    }
}

impl Piece<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Piece::Borrowed(bytes) => bytes,
            Piece::Owned(bytes) => bytes,
        }
    }
}

/// The `file` line of `content` for `path_json`.
pub fn file_line(content: &[u8], path_json: &[u8]) -> Vec<u8> {
    let encoded_len = content.len().div_ceil(3) * 4;
    let mut line = Vec::with_capacity(
        FILE_PREFIX.len() + encoded_len + FILE_MIDDLE.len() + path_json.len() + FILE_SUFFIX.len(),
    );
    line.extend_from_slice(FILE_PREFIX);
    let start = line.len();
    line.resize(start + encoded_len, 0);
    let written = STANDARD
        .encode_slice(content, &mut line[start..])
        .expect("buffer sized for the padded encoding");
    line.truncate(start + written);
    line.extend_from_slice(FILE_MIDDLE);
    line.extend_from_slice(path_json);
    line.extend_from_slice(FILE_SUFFIX);
    line
}

/// Read every `File` line's source (`workers` at a time, 0: one per core) and assemble the body.
/// The first file that cannot be read gives its error; once `cancel` is set, [`HashError::Cancelled`].
pub fn build<'a>(
    lines: &[Line<'a>],
    workers: usize,
    cancel: &Cancel,
) -> Result<Body<'a>, HashError> {
    let to_encode: Vec<&Line<'a>> = lines
        .iter()
        .filter(|line| !matches!(line, Line::Raw(_)))
        .collect();
    let encoded = map_in_order(&to_encode, workers, cancel, |line| match **line {
        Line::File { source, path_json } => std::fs::read(source)
            .map(|content| file_line(&content, path_json))
            .map_err(|error| HashError::Io {
                path: source.to_path_buf(),
                source: error,
            }),
        Line::Content { content, path_json } => Ok(file_line(content, path_json)),
        Line::Raw(_) => unreachable!("raw lines are not encoded"),
    });
    let mut encoded = encoded.into_iter();
    let mut pieces = Vec::with_capacity(lines.len());
    for line in lines {
        match line {
            Line::Raw(bytes) => pieces.push(Piece::Borrowed(bytes)),
            Line::File { .. } | Line::Content { .. } => match encoded.next().flatten() {
                Some(Ok(bytes)) => pieces.push(Piece::Owned(bytes)),
                Some(Err(error)) => return Err(error),
                None => return Err(HashError::Cancelled),
            },
        }
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
