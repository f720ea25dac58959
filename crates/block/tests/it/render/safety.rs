//! Nothing from amoCRM, Usedesk or the configuration escapes its place: texts are escaped, colours never
//! leave their declaration, addresses are web addresses only, and every message exists in every language.

use std::collections::BTreeSet;
use std::path::Path;

use block::view::{Preview, PreviewSample, render_block, render_page, render_preview};
use i18n::{Lang, Translator};
use serde_json::json;

use super::html::{Tag, tags};
use super::samples::{DISPLAY, Texts};

const PAYLOADS: [&str; 3] = [
    "<script>alert(1)</script>",
    r#""><img src=x onerror=alert(1)>"#,
    "javascript:alert(1)",
];

/// Every block and page with `payload` in every text, in every language.
fn everything_with(payload: &str) -> Vec<(String, String)> {
    let texts = Texts::all(payload);
    let mut out = Vec::new();
    for lang in Lang::ALL {
        for (name, view) in texts.every_block() {
            out.push((
                format!("block {name} {lang}"),
                render_block(lang, &view, &DISPLAY),
            ));
        }
        for (name, page) in texts.every_page() {
            out.push((
                format!("page {name} {lang}"),
                render_page(lang, &page, &DISPLAY),
            ));
        }
        let preview = Preview {
            api_url: payload.into(),
            samples: vec![PreviewSample {
                label: payload.into(),
                body: json!({"subject": payload, "client_data": {"name": payload}}),
            }],
            languages: vec![lang],
            sandbox_url: Some(payload.into()),
        };
        out.push((format!("preview {lang}"), render_preview(lang, &preview)));
    }
    out
}

#[test]
fn payloads_in_every_text_come_out_escaped_in_every_block_and_page() {
    for payload in PAYLOADS {
        for (name, html) in everything_with(payload) {
            // Assert
            let lower = html.to_ascii_lowercase();
            assert!(!html.contains("<script>alert"), "{name}: {payload}");
            // The one image: the "preparing" block's self-reload (an image that never loads, whose error handler
            // clicks the reload button when the data should be ready), and only there.
            let preparing = name.contains("preparing") && !name.contains("stale");
            let images = lower.matches("<img").count();
            let self_reloads = lower
                .matches(r#"<img class="uda-autoreload" src="data:,""#)
                .count();
            assert_eq!(images, self_reloads, "{name}: {payload}");
            assert_eq!(self_reloads, usize::from(preparing), "{name}: {payload}");
            let scripts = lower.matches("<script").count();
            let expected = usize::from(name.starts_with("preview"));
            assert_eq!(scripts, expected, "{name}: {payload}");
            // The trigger secret's page and the gear select their read-only fields on focus, the gear filters its
            // rows, and the deal form's and the deal edit page's stage select marks its fields (and shows the
            // loss reason for "lost"): the handlers their policies allow by hash.
            let allowed = |attribute: &str, value: Option<&str>| {
                let value = value.unwrap_or_default();
                let page = |p: &str| name.starts_with(&format!("page {p}"));
                match attribute {
                    "onfocus" => {
                        (page("trigger_secret") || page("settings")) && value == "this.select()"
                    }
                    "oninput" => page("settings") && value.starts_with("var q=this.value"),
                    "onchange" => {
                        (page("deal_form") || page("deal_edit"))
                            && value.starts_with("var s=this.value,f=this.form")
                    }
                    _ => false,
                }
            };
            for tag in tags(&html) {
                let handlers: Vec<String> = tag
                    .attr_names()
                    .into_iter()
                    .filter(|a| a.starts_with("on") && a != "onsubmit")
                    .filter(|a| !allowed(a, tag.attr(a)))
                    .filter(|a| !(preparing && a == "onerror" && is_self_reload(&tag)))
                    .collect();
                assert!(handlers.is_empty(), "{name}: <{} {}>", tag.name, tag.attrs);
            }
        }
    }
}

/// The preparing block's image: its handler is our fixed text with only the delay (digits) filled in.
fn is_self_reload(tag: &Tag<'_>) -> bool {
    const START: &str = "var i=this;setTimeout(function(){var b=i.closest?i.closest('.dynamic-block'):null,a=b?b.querySelector('a.block-reload-button'):null;if(a)a.click()},";
    tag.name == "img"
        && tag.attr("class") == Some("uda-autoreload")
        && tag.attr("onerror").is_some_and(|h| {
            h.strip_prefix(START)
                .and_then(|rest| rest.strip_suffix(')'))
                .is_some_and(|ms| !ms.is_empty() && ms.chars().all(|c| c.is_ascii_digit()))
        })
}

/// The payload as askama writes it in text and attribute values.
fn escaped(payload: &str) -> String {
    payload
        .replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn payloads_are_shown_as_text_where_the_texts_are() {
    for payload in PAYLOADS {
        for (name, html) in everything_with(payload) {
            let shows_texts = [
                "one_contact",
                "many_contacts",
                "refused_host",
                "deal_card",
                "deal_form",
                "oauth_success",
                "preview",
            ]
            .iter()
            .any(|n| name.contains(n));
            if shows_texts {
                // Assert
                assert!(html.contains(&escaped(payload)), "{name}: {payload}");
            }
        }
    }
}

#[test]
fn links_and_forms_only_lead_to_web_addresses() {
    for payload in PAYLOADS {
        for (name, html) in everything_with(payload) {
            for tag in tags(&html) {
                for attr in ["href", "src", "action", "formaction", "data-api"] {
                    let Some(value) = tag.attr(attr) else {
                        continue;
                    };
                    let value = value.trim().to_ascii_lowercase();
                    // Assert
                    assert!(
                        value.starts_with("https://")
                            || value.starts_with("http://")
                            || (value.starts_with("tel:+")
                                && value[5..].chars().all(|c| c.is_ascii_digit()))
                            || (value.starts_with('/') && !value.starts_with("//"))
                            || value == "#"
                            || (value.starts_with('#')
                                && value[1..]
                                    .chars()
                                    .all(|c| c.is_ascii_alphanumeric() || c == '-'))
                            // The preparing block's self-reload image, which must fail to load.
                            || (attr == "src" && value == "data:," && name.contains("preparing")),
                        "{name}: {attr}={value:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_colour_that_is_not_hex_never_reaches_a_style_attribute() {
    // Arrange
    let mut texts = Texts::real();
    texts.color = Some("red;background:url(x)".into());
    let rendered = [
        render_block(Lang::En, &texts.one_contact(), &DISPLAY),
        render_block(Lang::En, &texts.many_contacts(), &DISPLAY),
        render_page(Lang::En, &texts.deal_card(false), &DISPLAY),
    ];

    for html in rendered {
        // Act
        let styles: Vec<String> = tags(&html)
            .into_iter()
            .filter_map(|t| t.attr("style").map(str::to_owned))
            .collect();

        // Assert
        assert!(!styles.is_empty());
        for style in styles {
            assert_eq!(style, "background-color:#e0e0e0;color:#1f2633");
        }
        assert!(!html.contains("url(x)"));
    }
}

#[test]
fn every_style_attribute_holds_only_two_hex_colours() {
    let is_hex = |s: &str| {
        s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
    };
    for payload in PAYLOADS {
        for (name, html) in everything_with(payload) {
            for tag in tags(&html) {
                let Some(style) = tag.attr("style") else {
                    continue;
                };
                // Assert
                let colours = style
                    .strip_prefix("background-color:")
                    .and_then(|rest| rest.split_once(";color:"));
                assert!(
                    colours.is_some_and(|(bg, fg)| is_hex(bg) && is_hex(fg)),
                    "{name}: style={style:?}"
                );
            }
        }
    }
}

/// The message ids the views use: every dashed string literal of the view code, and the first argument of
/// every translation call in the templates.
fn message_ids() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let is_id = |s: &str| {
        s.contains('-')
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    };
    let mut ids = BTreeSet::new();
    let read_dir = |dir: &Path, f: &mut dyn FnMut(&str)| {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    f(&std::fs::read_to_string(&path).expect("text"));
                }
            }
        }
    };
    read_dir(&root.join("src/view"), &mut |source| {
        for literal in source.split('"').skip(1).step_by(2) {
            if is_id(literal) {
                ids.insert(literal.to_owned());
            }
        }
    });
    read_dir(&root.join("templates"), &mut |source| {
        for call in ["t.t(\"", "t.arg(\"", "t.count(\""] {
            for rest in source.split(call).skip(1) {
                let id = &rest[..rest.find('"').expect("a closed literal")];
                assert!(is_id(id), "not a message id: {id}");
                ids.insert(id.to_owned());
            }
        }
    });
    ids
}

#[test]
fn every_message_the_views_use_exists_in_every_language() {
    // Arrange
    let ids = message_ids();
    let translator = Translator::global();

    // Act
    let missing: Vec<String> = Lang::ALL
        .into_iter()
        .flat_map(|lang| {
            ids.iter()
                .filter(move |id| !translator.has(lang, id))
                .map(move |id| format!("{lang}: {id}"))
        })
        .collect();

    // Assert
    assert!(ids.len() > 100, "found only {} ids", ids.len());
    assert!(missing.is_empty(), "missing messages: {missing:?}");
}
