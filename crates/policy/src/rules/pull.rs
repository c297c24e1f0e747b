//! Maintainers' pull requests: `pull-request: bpf yyyy-mm-dd`.

use super::{Context, Out};
use crate::item::{Item, pull_request_of};

/// Whether `y-m-d` is a real calendar date written `yyyy-mm-dd`.
fn real_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1991 && (1..=days).contains(&d)
}

/// What is wrong with the text after `pull-request:`, if anything.
pub(crate) fn problem(rest: &str) -> Option<String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        [tree, date] if matches!(*tree, "bpf" | "bpf-next") => {
            (!real_date(date)).then(|| format!("'{date}' is not a real date written yyyy-mm-dd"))
        }
        [tree, _] => Some(format!("'{tree}' is not bpf or bpf-next")),
        [] => Some("no tree and date after 'pull-request:'".to_owned()),
        [_] => Some("it needs a tree and a date after 'pull-request:'".to_owned()),
        _ => Some(format!(
            "'{rest}' is not '<tree> <date>': nothing may follow the date"
        )),
    }
}

/// pull-request-subject
pub(super) fn subject(item: &Item, _cx: &Context<'_>, out: &mut Out<'_>) {
    if !item.pull_request {
        return;
    }
    let Some(rest) = pull_request_of(&item.message.subject) else {
        return;
    };
    if let Some(why) = problem(rest) {
        out.fail(
            item,
            Some(&item.subject_line()),
            format!("malformed pull request subject: {why}"),
            Some("write it as `pull-request: bpf yyyy-mm-dd` or `pull-request: bpf-next yyyy-mm-dd`, the date the request is sent".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        assert_eq!(problem("bpf 2024-10-01"), None);
        assert_eq!(problem("bpf-next 2024-02-29"), None);
        for bad in [
            "bpf-next 2023-02-29",
            "bpf 2024-13-01",
            "bpf 2024-1-1",
            "bpf_next 2024-10-01",
            "bpf",
            "",
            "bpf 2024-10-01 v2",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
