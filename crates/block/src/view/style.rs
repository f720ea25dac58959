//! What reaches attributes: colours for `style` (validated again here, so nothing can break out of the
//! declaration) and addresses for `href` and `action` (web addresses only, so no `javascript:` ever appears).

pub(crate) use super::href::safe_href;
use super::model::Action;

/// The grey used when a colour is not a `#rgb` or `#rrggbb` value.
const NEUTRAL: &str = "#e0e0e0";

/// A stage pill: its name, background and the text colour that reads best on it.
#[derive(Debug, Clone)]
pub(crate) struct Pill {
    /// The stage's name.
    pub name: String,
    /// The background, `#rrggbb`.
    pub background: String,
    /// Black or white, whichever contrasts more with the background.
    pub foreground: &'static str,
}

impl Pill {
    pub(crate) fn new(name: &str, color: &str) -> Self {
        let (background, rgb) = match parse_hex(color) {
            Some(rgb) => (hex(rgb), rgb),
            None => (NEUTRAL.to_owned(), [0xe0, 0xe0, 0xe0]),
        };
        Self {
            name: name.to_owned(),
            background,
            foreground: text_on(rgb),
        }
    }
}

/// Reads `#rgb` or `#rrggbb`; anything else is refused.
fn parse_hex(color: &str) -> Option<[u8; 3]> {
    let hex = color.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        3 => {
            let mut rgb = [0u8; 3];
            for (slot, digit) in rgb.iter_mut().zip(hex.chars()) {
                *slot = u8::try_from(digit.to_digit(16)?).ok()? * 17;
            }
            Some(rgb)
        }
        6 => Some([
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        ]),
        _ => None,
    }
}

/// `#rrggbb`, in lower case.
fn hex(rgb: [u8; 3]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(7);
    out.push('#');
    for c in rgb {
        out.push(char::from(DIGITS[usize::from(c >> 4)]));
        out.push(char::from(DIGITS[usize::from(c & 0xf)]));
    }
    out
}

/// A channel's linear light (WCAG relative luminance), for each of its 256 values, computed once: every deal's
/// stage pill needs three.
fn linear(c: u8) -> f64 {
    static TABLE: std::sync::OnceLock<[f64; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            let c = i as f64 / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    })[usize::from(c)]
}

/// Black or white text, by the WCAG contrast ratio against the background.
fn text_on(rgb: [u8; 3]) -> &'static str {
    let luminance = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    let with_black = (luminance + 0.05) / 0.05;
    let with_white = 1.05 / (luminance + 0.05);
    if with_black >= with_white {
        "#1f2633"
    } else {
        "#ffffff"
    }
}

/// The deal's edit page: the deal card's address (from [`action_href`]) with `edit=1`, since the card's token
/// opens both.
pub(crate) fn deal_edit_href(card_href: &str) -> String {
    format!("{card_href}&edit=1")
}

/// An action as a link: its address with the token as query parameter `t`.
pub(crate) fn action_href(action: &Action) -> Option<String> {
    let mut url = safe_href(&action.url)?;
    url.reserve(action.token.len() + 3);
    url.push_str(if url.contains('?') { "&t=" } else { "?t=" });
    // Our tokens are letters, digits, dots, dashes and underscores, which the query keeps as they are.
    if action
        .token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        url.push_str(&action.token);
    } else {
        url.extend(url::form_urlencoded::byte_serialize(
            action.token.as_bytes(),
        ));
    }
    Some(url)
}

/// An action as a form: where it posts and the token it carries in its hidden field `t`.
#[derive(Debug, Clone)]
pub(crate) struct FormTarget {
    /// Where the form goes.
    pub url: String,
    /// The token.
    pub token: String,
}

impl FormTarget {
    pub(crate) fn of(action: &Action) -> Option<Self> {
        Some(Self {
            url: safe_href(&action.url)?,
            token: action.token.clone(),
        })
    }
}
