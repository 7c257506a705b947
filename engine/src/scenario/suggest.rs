//! "Did you mean" suggestions: the closest candidate by edit distance.

/// Edit distance (optimal string alignment: insertions, deletions, substitutions and adjacent
/// transpositions), compared case-insensitively over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    // Three rolling rows: two back for transpositions, one back, and the current one.
    let mut before_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `wanted`, if it is close enough to be a plausible typo.
///
/// Ties go to the earliest candidate, so the answer is deterministic for an ordered input.
pub(crate) fn closest<'a, I>(wanted: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted_length = wanted.chars().count();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == wanted {
            continue;
        }
        let distance = edit_distance(wanted, candidate);
        let longer = wanted_length.max(candidate.chars().count());
        // A third of the longer name, at least 2: "departmens" -> "departments", "jaz" -> "jax".
        let allowed = (longer / 3).max(2);
        let prefix_match = candidate.starts_with(wanted) || wanted.starts_with(candidate);
        if distance > allowed && !(prefix_match && wanted_length >= 3) {
            continue;
        }
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub(crate) fn did_you_mean<'a, I>(wanted: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(wanted, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("departmens", "departments"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("Kitten", "sitting"), 3);
    }

    #[test]
    fn closest_picks_plausible_typos_only() {
        let names = ["company", "departments", "people", "days"];
        assert_eq!(closest("departmens", names), Some("departments"));
        assert_eq!(closest("dasy", names), Some("days"));
        assert_eq!(closest("zzzzzzzz", names), None);
        assert_eq!(closest("people", names), None);
    }
}
