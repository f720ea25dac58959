//! "Login to amoCRM" over plain HTTP, as an agent's browser does it: the block's login link, then
//! `testkit::agent::log_in` (the confirmation page's button, the consent page, "Allow", the redirect back to the
//! server's callback) — so that a connection exists.

use anyhow::{Context as _, bail};
use bytes::Bytes;
use url::Url;

use crate::html::{BlockState, link_containing};
use crate::load::post_block;

/// Follows the login from a block that offers it until the server has stored the connection.
///
/// `http` must not follow redirects by itself: each hop is checked so a failure says where it happened.
pub async fn login(http: &reqwest::Client, server: &Url, block_body: Bytes) -> anyhow::Result<()> {
    let api = server.join("api/")?;
    let block = post_block(http, api.as_str(), block_body.clone()).await?;
    if block.state != BlockState::Login {
        bail!(
            "expected the block to offer \"Login to amoCRM\", it shows {:?}:\n{}",
            block.state,
            block.html
        );
    }
    let start = link_containing(&block.html, "/oauth/start")
        .with_context(|| format!("no /oauth/start link in the block:\n{}", block.html))?;
    let page = testkit::agent::log_in(http, &start).await?;
    // The success page is the server's word; the block no longer offering a login is the proof.
    let after = post_block(http, api.as_str(), block_body).await?;
    if after.state == BlockState::Login {
        bail!(
            "after the login the block still offers \"Login to amoCRM\":\n{}\nthe callback said:\n{page}",
            after.html
        );
    }
    Ok(())
}
