//! MIME: decoding a body that is quoted-printable, base64 or multipart.

use super::Header;

pub(super) fn decode_body(headers: &[Header], whole: &[u8], body: &[u8]) -> (String, bool) {
    let cte = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-transfer-encoding"))
        .map(|h| h.value.trim().to_ascii_lowercase());
    let ctype = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.to_ascii_lowercase())
        .unwrap_or_default();
    let needs_mime = matches!(cte.as_deref(), Some("quoted-printable") | Some("base64"))
        || ctype.starts_with("multipart/");
    if needs_mime && let Ok(mail) = mailparse::parse_mail(whole) {
        let part = if mail.subparts.is_empty() {
            &mail
        } else {
            mail.subparts
                .iter()
                .find(|p| p.ctype.mimetype.eq_ignore_ascii_case("text/plain"))
                .unwrap_or(&mail)
        };
        if let Ok(text) = part.get_body() {
            return (text, false);
        }
    }
    match String::from_utf8_lossy(body) {
        std::borrow::Cow::Borrowed(s) => (s.to_owned(), false),
        std::borrow::Cow::Owned(s) => (s, true),
    }
}
