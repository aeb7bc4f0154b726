//! `qalam serve` as a process of its own, for tests of what crosses processes: other
//! writers, several nodes on one database, signals.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use crate::helpers::qalam_command;

/// A `qalam serve` process, ended when dropped.
pub struct ServeProcess {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// Everything it logged so far.
    pub log: Arc<Mutex<String>>,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes terminal colour sequences from a log line.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Starts `qalam serve --data DIR --addr 127.0.0.1:0` and reads the address it bound
/// from its log.
pub async fn start_serve(data: &Path) -> ServeProcess {
    start_serve_with(data, &[]).await
}

/// [`start_serve`] with these `QALAM_*` variables set.
pub async fn start_serve_with(data: &Path, env: &[(&str, &str)]) -> ServeProcess {
    let mut child = qalam_command()
        .arg("serve")
        .arg("--data")
        .arg(data)
        .args(["--addr", "127.0.0.1:0"])
        .env("QALAM_LOG", "info")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qalam serve starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let log = Arc::new(Mutex::new(String::new()));
    let (found, address) = mpsc::channel();
    let kept = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let line = strip_ansi(&line);
            if line.contains("serving")
                && let Some(rest) = line.split("address=").nth(1)
            {
                let _ = found.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
            }
            kept.lock().expect("log lock").push_str(&format!("{line}\n"));
        }
    });
    let address = tokio::task::spawn_blocking(move || address.recv_timeout(Duration::from_secs(30)))
        .await
        .expect("waited")
        .unwrap_or_else(|_| panic!("qalam serve never said where it listens: {}", log.lock().expect("log")));
    ServeProcess { child, address: format!("http://{address}"), log }
}
