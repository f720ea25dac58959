//! Whether the suite runs when the browser tools are missing, and the screenshots' PNG check.

use crate::support::shots::png_size;
use crate::support::tools::{Decision, decide};

#[test]
fn the_suite_runs_when_chromium_and_chromedriver_are_both_found() {
    // Arrange
    let missing: [&str; 0] = [];

    // Act
    let decision = decide(&missing, true);

    // Assert
    assert_eq!(decision, Decision::Run);
}

#[test]
fn missing_browser_tools_fail_the_suite_when_ci_requires_it() {
    // Arrange
    let missing = ["chromedriver"];

    // Act
    let decision = decide(&missing, true);

    // Assert
    let Decision::Fail(message) = decision else {
        panic!("expected a failure, got {decision:?}")
    };
    assert!(message.contains("chromedriver not found"), "{message}");
    assert!(
        message.contains("apt-get install -y chromium chromium-driver"),
        "{message}"
    );
}

#[test]
fn missing_browser_tools_skip_the_suite_loudly_on_a_developer_machine() {
    // Arrange
    let missing = ["/usr/bin/chromium", "chromedriver"];

    // Act
    let decision = decide(&missing, false);

    // Assert
    let Decision::Skip(message) = decision else {
        panic!("expected a skip, got {decision:?}")
    };
    assert!(message.starts_with("SKIPPED"), "{message}");
    assert!(
        message.contains("/usr/bin/chromium and chromedriver"),
        "{message}"
    );
}

#[test]
fn png_size_reads_the_dimensions_from_the_header() {
    // Arrange: the signature and the IHDR chunk of a 300×200 image.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&300u32.to_be_bytes());
    png.extend_from_slice(&200u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0]);

    // Act
    let size = png_size(&png);

    // Assert
    assert_eq!(size.ok(), Some((300, 200)));
}

#[test]
fn png_size_refuses_what_is_not_a_png() {
    // Arrange
    let html = b"<!DOCTYPE html><html><body>not an image</body></html>";

    // Act
    let size = png_size(html);

    // Assert
    assert!(size.is_err());
}
