//! The newsroom in a real browser: `tests/browser` drives headless Chromium with
//! playwright-core against a real `qalam serve` process (with its real clock, so that an
//! article scheduled a minute ahead is published by the server's own job).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{output_text, qalam_command};

/// The server process, stopped when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn wait_until_serving(url: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if reqwest::get(url).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("qalam serve did not answer at {url} within 30 s");
}

#[tokio::test]
async fn the_newsroom_works_end_to_end_in_headless_chromium() {
    let Ok(dir) = std::env::var("QALAM_BROWSER_TESTS") else {
        eprintln!("skipped: QALAM_BROWSER_TESTS is not set (scripts/test installs Chromium and playwright-core)");
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let address = format!("127.0.0.1:{}", free_port());
    let url = format!("http://{address}");
    let _server = Server(
        qalam_command()
            .args(["serve", "--addr", &address, "--data"])
            .arg(data.path())
            .env("QALAM_LOG", "warn")
            .env("QALAM_SITE_BASE_URL", &url)
            // The central banks are never asked from a test.
            .envs(["NBK", "NBKR", "NBT", "CBU", "CBT"].map(|bank| (format!("QALAM_RATES_SOURCES_{bank}"), "")))
            .stdout(Stdio::null())
            .spawn()
            .expect("qalam serve starts"),
    );
    wait_until_serving(&url).await;
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    let photo = data.path().join("kostanay-wheat.png");
    image::RgbImage::from_fn(1200, 800, |x, y| image::Rgb([(x / 5 % 256) as u8, (y / 4 % 256) as u8, 90]))
        .save(&photo)
        .unwrap();
    let shots = screenshots.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("--test")
            .current_dir(dir)
            .env("QALAM_URL", url)
            .env("QALAM_SCREENSHOTS", shots)
            .env("QALAM_UPLOAD_IMAGE", photo)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let (stdout, stderr) = output_text(&output);
    assert!(output.status.success(), "the browser test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("# pass 1"), "{stdout}");
    for shot in ["editor.png", "article.png"] {
        let path = screenshots.join(shot);
        assert!(std::fs::metadata(&path).is_ok_and(|m| m.len() > 10_000), "{} was saved", path.display());
    }
    eprintln!("screenshots: {}", screenshots.display());
}
