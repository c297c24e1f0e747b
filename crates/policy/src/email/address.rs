//! Recipient addresses: which headers name them and how an address list splits.

/// Addresses a patch is sent to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    /// `To:` addresses, each with the line it was found on (0 if unknown).
    pub to: Vec<(String, usize)>,
    /// `Cc:` and `Bcc:` addresses, each with its line.
    pub cc: Vec<(String, usize)>,
}

/// Whether a header names recipients (To, Cc, Bcc): the one place that says which do.
pub fn is_recipient_header(name: &str) -> bool {
    ["to", "cc", "bcc"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

impl Recipients {
    /// The recipients of a block of headers, such as the SMTP header file git send-email
    /// (2.41 and later) gives its sendemail-validate hook.
    pub fn from_header_block(raw: &[u8]) -> Recipients {
        let mut r = Recipients::default();
        if let Ok((headers, _)) = mailparse::parse_headers(raw) {
            for h in headers {
                let key = h.get_key();
                if is_recipient_header(&key) {
                    r.add(&key, &h.get_value(), 0);
                }
            }
        }
        r
    }

    /// Every address, To first.
    pub fn all(&self) -> impl Iterator<Item = &(String, usize)> {
        self.to.iter().chain(self.cc.iter())
    }

    /// Add the addresses of a header value (`a@b, "X, Y" <c@d>`).
    pub fn add(&mut self, header: &str, value: &str, line: usize) {
        let list = if header.eq_ignore_ascii_case("to") {
            &mut self.to
        } else {
            &mut self.cc
        };
        for addr in split_addresses(value) {
            list.push((addr, line));
        }
    }
}

/// Split an address list on commas outside quotes and angle brackets; each element is
/// trimmed and kept as written (display name included).
pub fn split_addresses(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut angle) = (false, false);
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_owned());
                }
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}
