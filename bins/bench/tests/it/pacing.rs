//! Pacing of sequential blocks under the account's limit.

use std::time::Duration;

use bench::pacer::Pacer;
use tokio::time::Instant;

const WINDOW: Duration = Duration::from_millis(1000);

#[test]
fn a_block_fits_at_once_when_the_window_has_room() {
    // Arrange
    let mut pacer = Pacer::new(7, WINDOW);
    let start = Instant::now();
    pacer.record(start, 3);

    // Act
    let delay = pacer.delay(start, 4);

    // Assert
    assert_eq!(delay, Duration::ZERO);
}

#[test]
fn a_block_waits_until_enough_earlier_requests_leave_the_window() {
    // Arrange
    let mut pacer = Pacer::new(7, WINDOW);
    let start = Instant::now();
    pacer.record(start, 3);
    pacer.record(start + Duration::from_millis(200), 3);

    // Act: 6 in the window, 4 more need the first block's 3 to leave.
    let delay = pacer.delay(start + Duration::from_millis(300), 4);

    // Assert
    assert_eq!(delay, Duration::from_millis(700));
}

#[test]
fn a_block_larger_than_the_limit_waits_for_an_empty_window() {
    let mut pacer = Pacer::new(7, WINDOW);
    let start = Instant::now();
    pacer.record(start, 1);
    pacer.record(start + Duration::from_millis(100), 1);

    let delay = pacer.delay(start + Duration::from_millis(100), 9);

    assert_eq!(delay, Duration::from_millis(1000));
}

#[test]
fn blocks_older_than_the_window_are_forgotten() {
    let mut pacer = Pacer::new(7, WINDOW);
    let start = Instant::now();
    pacer.record(start, 7);

    let delay = pacer.delay(start + WINDOW, 7);

    assert_eq!(delay, Duration::ZERO);
}
