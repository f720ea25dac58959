//! Account hosts and the policy that decides which hosts this client may talk to.
//!
//! The account host comes from user input (the block's `amo_base_host` parameter) and from the
//! OAuth callback's `referer`, and the client sends bearer tokens to it. Accepting an arbitrary
//! host would turn the service into a proxy that leaks tokens and probes internal networks, so a
//! host is only accepted when it is `https://{sub}.amocrm.ru`, `https://{sub}.kommo.com` or
//! `https://{sub}.amocrm.com`, or an exact origin the operator allowed explicitly.

use std::fmt;

use url::{Host, Url};

use crate::Error;

/// The two products behind the same API: they differ only in hosts and the authorization page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// amoCRM for the Russian market, accounts at `{sub}.amocrm.ru`.
    AmoCrm,
    /// Kommo (the former international amoCRM), accounts at `{sub}.kommo.com` and the deprecated
    /// `{sub}.amocrm.com`.
    Kommo,
}

/// The public domain suffixes of account hosts and the product each belongs to.
const PUBLIC_SUFFIXES: [(&str, Product); 3] = [
    ("amocrm.ru", Product::AmoCrm),
    ("kommo.com", Product::Kommo),
    ("amocrm.com", Product::Kommo),
];

/// Subdomains that exist on the public domains but are never an account.
const RESERVED_SUBDOMAINS: [&str; 1] = ["www"];

/// Which hosts [`AccountHost::parse`] accepts.
///
/// [`HostPolicy::default`] accepts only the public amoCRM / Kommo account hosts. Tests, the
/// sandbox and private installations add exact origins with [`HostPolicy::with_extra_allowed`];
/// nothing else is ever allowed implicitly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostPolicy {
    extra: Vec<ExtraOrigin>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ExtraOrigin {
    /// The origin as `scheme://host[:port]`, without a trailing slash.
    origin: String,
    /// `host[:port]`, what an OAuth `referer` carries for this origin.
    authority: String,
    url: Url,
    product: Product,
}

impl HostPolicy {
    /// The public hosts plus these exact origins, such as `http://127.0.0.1:4010`.
    ///
    /// Scheme, host and port must all match for an extra origin to be accepted. An entry may end
    /// with `#kommo` to make [`AccountHost::product`] report [`Product::Kommo`] for it; otherwise it
    /// is [`Product::AmoCrm`]. Entries that are not a bare origin are skipped with a warning; use
    /// [`HostPolicy::try_with_extra_allowed`] to refuse them instead.
    pub fn with_extra_allowed(origins: Vec<String>) -> HostPolicy {
        let mut extra = Vec::new();
        for entry in origins {
            match ExtraOrigin::parse(&entry) {
                Ok(origin) => extra.push(origin),
                Err(reason) => {
                    tracing::warn!(entry = %entry, %reason, "ignoring an extra allowed amoCRM origin")
                }
            }
        }
        HostPolicy { extra }
    }

    /// Like [`HostPolicy::with_extra_allowed`], but an entry that is not a bare origin is an error.
    pub fn try_with_extra_allowed(origins: Vec<String>) -> Result<HostPolicy, Error> {
        let extra = origins
            .into_iter()
            .map(|entry| {
                ExtraOrigin::parse(&entry).map_err(|reason| Error::InvalidHost {
                    input: entry,
                    reason,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(HostPolicy { extra })
    }

    /// The extra origins this policy allows, as `scheme://host[:port]`.
    pub fn extra_allowed(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|e| e.origin.as_str())
    }

    fn extra_by_origin(&self, url: &Url) -> Option<&ExtraOrigin> {
        self.extra.iter().find(|e| e.url.origin() == url.origin())
    }

    fn extra_by_authority(&self, authority: &str) -> Option<&ExtraOrigin> {
        self.extra
            .iter()
            .find(|e| e.authority.eq_ignore_ascii_case(authority))
    }
}

impl ExtraOrigin {
    fn parse(entry: &str) -> Result<ExtraOrigin, String> {
        let (origin, product) = match entry.trim().rsplit_once('#') {
            Some((origin, "kommo")) => (origin, Product::Kommo),
            Some((origin, "amocrm")) => (origin, Product::AmoCrm),
            Some(_) => return Err("the only fragments allowed are #kommo and #amocrm".into()),
            None => (entry.trim(), Product::AmoCrm),
        };
        let url = Url::parse(origin).map_err(|e| format!("not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("the scheme must be http or https".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("an origin has no user info".into());
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() {
            return Err("an origin has no path or query".into());
        }
        let host = url.host_str().ok_or("an origin needs a host")?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(ExtraOrigin {
            origin: format!("{}://{authority}", url.scheme()),
            authority,
            url,
            product,
        })
    }
}

/// A validated, normalised account base URL such as `https://hogwarts.amocrm.ru`.
///
/// Only [`AccountHost::parse`] and [`AccountHost::from_referer`] create one, so holding an
/// `AccountHost` means the host passed the [`HostPolicy`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountHost {
    /// `scheme://host[:port]`, lowercase, no trailing slash.
    origin: String,
    /// The same origin as a URL with the path `/`, the base every API path is joined to.
    url: Url,
    product: Product,
    /// Where the subdomain starts and ends inside `origin`.
    subdomain: (usize, usize),
}

impl AccountHost {
    /// Validates and normalises what a user typed as the account address.
    ///
    /// Accepts `sub.amocrm.ru`, `sub.kommo.com` and `sub.amocrm.com` with or without `https://`,
    /// with an optional trailing `/`, in any case. Refuses every other domain, IP literals,
    /// `localhost`, user info, ports and `http://` on public hosts, bare or `www.` domains,
    /// deeper subdomains, percent-encoding and any path. Origins allowed by the policy are
    /// accepted exactly, and also when given without their scheme.
    pub fn parse(input: &str, policy: &HostPolicy) -> Result<AccountHost, Error> {
        let refuse = |reason: &str| Error::InvalidHost {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(refuse("the host is empty"));
        }
        // Tricks that a URL parser would silently undo are refused before parsing, so what is
        // validated is exactly what was typed.
        if !text.is_ascii() {
            return Err(refuse("the host must be ASCII"));
        }
        if let Some(c) = text.chars().find(|c| {
            c.is_ascii_whitespace() || c.is_ascii_control() || matches!(c, '%' | '\\' | '@')
        }) {
            return Err(refuse(&format!("the character {c:?} is not allowed")));
        }

        let has_scheme = text.contains("://");
        if !has_scheme && let Some(extra) = policy.extra_by_authority(text.trim_end_matches('/')) {
            return Ok(Self::from_extra(extra));
        }
        let with_scheme = if has_scheme {
            text.to_owned()
        } else {
            format!("https://{text}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| refuse(&format!("not a URL: {e}")))?;
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err(refuse("an account host has no path, query or fragment"));
        }
        if let Some(extra) = policy.extra_by_origin(&url) {
            return Ok(Self::from_extra(extra));
        }
        // The URL parser drops a port equal to the scheme's default, so an explicit `:443` is
        // looked for in the text itself: public hosts take no port at all.
        let authority = with_scheme
            .split_once("://")
            .map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
        if authority.contains(':') {
            return Err(refuse("a port is not allowed on a public amoCRM host"));
        }
        Self::public(&url).map_err(|reason| refuse(&reason))
    }

    /// The account host named by an OAuth callback's `referer` parameter.
    ///
    /// amoCRM sends a bare host (`sub.kommo.com`); for an origin allowed by the policy the
    /// referer is its `host:port` (`127.0.0.1:4010`) and maps to that origin. A referer with a
    /// scheme is accepted too; the checks are those of [`AccountHost::parse`].
    pub fn from_referer(referer: &str, policy: &HostPolicy) -> Result<AccountHost, Error> {
        Self::parse(referer, policy)
    }

    fn from_extra(extra: &ExtraOrigin) -> AccountHost {
        let host_start = extra.origin.find("://").map_or(0, |i| i + 3);
        let host = extra.url.host_str().unwrap_or_default();
        // For a domain the subdomain is its first label; an IP literal or a single-label name
        // is reported whole, which keeps `subdomain()` meaningful for logs.
        let sub_len = match extra.url.host() {
            Some(Host::Domain(domain)) => domain.find('.').unwrap_or(domain.len()),
            _ => host.len(),
        };
        AccountHost {
            origin: extra.origin.clone(),
            url: extra.url.clone(),
            product: extra.product,
            subdomain: (host_start, host_start + sub_len),
        }
    }

    fn public(url: &Url) -> Result<AccountHost, String> {
        let domain = match url.host() {
            Some(Host::Domain(domain)) => domain,
            Some(Host::Ipv4(_) | Host::Ipv6(_)) => {
                return Err("IP addresses are not amoCRM accounts".into());
            }
            None => return Err("the host is missing".into()),
        };
        let (sub, product) = PUBLIC_SUFFIXES
            .iter()
            .find_map(|(suffix, product)| {
                domain
                    .strip_suffix(suffix)
                    .and_then(|rest| rest.strip_suffix('.'))
                    .map(|sub| (sub, *product))
            })
            .ok_or("only *.amocrm.ru, *.kommo.com and *.amocrm.com accounts are allowed")?;
        if url.scheme() != "https" {
            return Err("amoCRM accounts are reached over https only".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("user info is not allowed".into());
        }
        if url.port().is_some() {
            return Err("a port is not allowed on a public amoCRM host".into());
        }
        validate_subdomain(sub)?;
        let origin = format!("https://{domain}");
        let start = "https://".len();
        Ok(AccountHost {
            url: Url::parse(&origin).map_err(|e| e.to_string())?,
            subdomain: (start, start + sub.len()),
            origin,
            product,
        })
    }

    /// The origin, such as `https://hogwarts.amocrm.ru` (no trailing slash).
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    /// The origin as a URL whose path is `/`; API paths are joined to it.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Which product the account belongs to.
    pub fn product(&self) -> Product {
        self.product
    }

    /// The account's subdomain, such as `hogwarts`. For an extra allowed origin this is the
    /// first label of its domain, or the whole host when it is an IP address.
    pub fn subdomain(&self) -> &str {
        &self.origin[self.subdomain.0..self.subdomain.1]
    }

    /// The `host[:port]` part, what the OAuth callback's `referer` carries.
    pub fn authority(&self) -> &str {
        let start = self.origin.find("://").map_or(0, |i| i + 3);
        &self.origin[start..]
    }
}

impl fmt::Display for AccountHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

fn validate_subdomain(sub: &str) -> Result<(), String> {
    if sub.is_empty() {
        return Err("the account subdomain is missing".into());
    }
    if sub.contains('.') {
        return Err("only one subdomain level is allowed".into());
    }
    if sub.len() > 63 {
        return Err("the subdomain is longer than 63 characters".into());
    }
    if !sub
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("the subdomain may contain only letters, digits and '-'".into());
    }
    if sub.starts_with('-') || sub.ends_with('-') || sub.starts_with("xn--") {
        return Err("the subdomain is not a valid account name".into());
    }
    if RESERVED_SUBDOMAINS.contains(&sub) {
        return Err(format!("{sub} is not an account subdomain"));
    }
    Ok(())
}
