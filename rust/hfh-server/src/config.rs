//! Server configuration and the command-line syntax of `hf serve` / `hfh-server`.

use std::path::PathBuf;

/// Role of an access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Read,
    Write,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            _ => None,
        }
    }
}

/// `--user NAME[:TOKEN[:read|write]]`. Without a token the account exists but cannot log in
/// (useful as an organisation member); the default role is `write`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    pub name: String,
    pub token: Option<String>,
    pub role: Role,
}

/// `--org NAME:MEMBER[,MEMBER...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSpec {
    pub name: String,
    pub members: Vec<String>,
}

/// `--follow FOLLOWER:TARGET`: user FOLLOWER follows user or organisation TARGET (both must
/// exist, e.g. created by `--user`/`--org`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowSpec {
    pub follower: String,
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    /// Largest accepted request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// LFS objects larger than this are offered a multipart upload (when the client accepts it).
    pub multipart_threshold: u64,
    /// Part size of multipart LFS uploads (the last part may be shorter).
    pub multipart_chunk_size: u64,
    pub users: Vec<UserSpec>,
    pub orgs: Vec<OrgSpec>,
    pub follows: Vec<FollowSpec>,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            host: "127.0.0.1".into(),
            port: 0,
            max_body_bytes: 1 << 30,
            multipart_threshold: 20 << 20,
            multipart_chunk_size: 16 << 20,
            users: Vec::new(),
            orgs: Vec::new(),
            follows: Vec::new(),
        }
    }

    pub fn with_user(mut self, spec: &str) -> Result<Self, String> {
        self.users.push(UserSpec::parse(spec)?);
        Ok(self)
    }

    pub fn with_org(mut self, spec: &str) -> Result<Self, String> {
        self.orgs.push(OrgSpec::parse(spec)?);
        Ok(self)
    }

    pub fn with_follow(mut self, spec: &str) -> Result<Self, String> {
        self.follows.push(FollowSpec::parse(spec)?);
        Ok(self)
    }

    /// Parses `[DATA_DIR] [--host H] [--port N] [--user SPEC]... [--org SPEC]... [--follow SPEC]... [--max-body-bytes N]
    /// [--multipart-threshold N] [--multipart-chunk-size N]`
    /// (arguments after the program name). `DATA_DIR` defaults to `./hub-data`.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Self, String> {
        let mut cfg = Config::new("hub-data");
        let mut data_dir: Option<String> = None;
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| it.next())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match flag.as_str() {
                "--host" => cfg.host = value("--host")?,
                "--port" => {
                    let v = value("--port")?;
                    cfg.port = v.parse().map_err(|_| format!("invalid port: {v}"))?;
                }
                "--user" => cfg = cfg.with_user(&value("--user")?)?,
                "--org" => cfg = cfg.with_org(&value("--org")?)?,
                "--follow" => cfg = cfg.with_follow(&value("--follow")?)?,
                "--max-body-bytes" => {
                    let v = value("--max-body-bytes")?;
                    cfg.max_body_bytes = v.parse().map_err(|_| format!("invalid size: {v}"))?;
                }
                "--multipart-threshold" => {
                    let v = value("--multipart-threshold")?;
                    cfg.multipart_threshold =
                        v.parse().map_err(|_| format!("invalid size: {v}"))?;
                }
                "--multipart-chunk-size" => {
                    let v = value("--multipart-chunk-size")?;
                    cfg.multipart_chunk_size = v
                        .parse()
                        .ok()
                        .filter(|&n: &u64| n > 0)
                        .ok_or_else(|| format!("invalid size: {v}"))?;
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                f if f.starts_with('-') => return Err(format!("unknown option {f}\n{USAGE}")),
                _ if data_dir.is_none() => data_dir = Some(arg),
                _ => return Err(format!("unexpected argument {arg}\n{USAGE}")),
            }
        }
        if let Some(d) = data_dir {
            cfg.data_dir = d.into();
        }
        Ok(cfg)
    }
}

pub const USAGE: &str = "usage: hfh-server [DATA_DIR] [--host 127.0.0.1] [--port N] \
[--user NAME[:TOKEN[:read|write]]]... [--org NAME:MEMBER[,MEMBER...]]... [--follow USER:TARGET]... \
[--max-body-bytes N] \
[--multipart-threshold N] [--multipart-chunk-size N]";

impl UserSpec {
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut parts = spec.splitn(3, ':');
        let name = parts.next().unwrap_or_default().to_string();
        if !crate::util::valid_name(&name) {
            return Err(format!("invalid user name in --user {name:?}"));
        }
        let token = parts.next().filter(|t| !t.is_empty()).map(str::to_string);
        let role = match parts.next() {
            None => Role::Write,
            Some(r) => {
                Role::parse(r).ok_or_else(|| format!("invalid role {r:?}: use read or write"))?
            }
        };
        Ok(UserSpec { name, token, role })
    }
}

impl FollowSpec {
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (follower, target) = spec
            .split_once(':')
            .ok_or_else(|| format!("invalid --follow {spec:?}: use FOLLOWER:TARGET"))?;
        for name in [follower, target] {
            if !crate::util::valid_name(name) {
                return Err(format!("invalid name {name:?} in --follow"));
            }
        }
        Ok(FollowSpec {
            follower: follower.to_string(),
            target: target.to_string(),
        })
    }
}

impl OrgSpec {
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (name, members) = spec.split_once(':').unwrap_or((spec, ""));
        if !crate::util::valid_name(name) {
            return Err(format!("invalid organisation name in --org {name:?}"));
        }
        let members: Vec<String> = members
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(bad) = members.iter().find(|m| !crate::util::valid_name(m)) {
            return Err(format!("invalid member name {bad:?} in --org"));
        }
        Ok(OrgSpec {
            name: name.to_string(),
            members,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_cli() {
        let c = Config::from_args(args(
            "/tmp/d --port 0 --host=0.0.0.0 --user alice:hf_x --user bob:hf_y:read --user carol --org acme:alice,bob",
        ))
        .unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!((c.host.as_str(), c.port), ("0.0.0.0", 0));
        assert_eq!(c.users[0].token.as_deref(), Some("hf_x"));
        assert_eq!(c.users[0].role, Role::Write);
        assert_eq!(c.users[1].role, Role::Read);
        assert_eq!(c.users[2].token, None);
        assert_eq!(c.orgs[0].members, vec!["alice", "bob"]);
    }

    #[test]
    fn rejects_bad_cli() {
        assert!(Config::from_args(args("--port x")).is_err());
        assert!(Config::from_args(args("--user a:t:admin")).is_err());
        assert!(Config::from_args(args("--bogus")).is_err());
        assert!(Config::from_args(args("a b")).is_err());
        assert!(Config::from_args(args("--port")).is_err());
        assert!(Config::from_args(args("--user ../x")).is_err());
        assert!(Config::from_args(args("--multipart-chunk-size 0")).is_err());
        assert!(Config::from_args(args("--follow alice")).is_err());
        assert!(Config::from_args(args("--follow alice:../x")).is_err());
        let c = Config::from_args(args("--follow bob:acme")).unwrap();
        assert_eq!(
            (c.follows[0].follower.as_str(), c.follows[0].target.as_str()),
            ("bob", "acme")
        );
        let c =
            Config::from_args(args("--multipart-threshold 5 --multipart-chunk-size=3")).unwrap();
        assert_eq!((c.multipart_threshold, c.multipart_chunk_size), (5, 3));
    }
}
