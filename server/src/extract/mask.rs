//! `file_mask` of an extract task: the archive paths to extract. An entry is extracted when
//! its path equals a mask or lies below one (`<mask>/…`); no mask extracts everything.
//! Paths compare segment by segment after the same checks every entry name gets, so
//! `a/b`, `/a/b/` and `a//b` are one mask, and `a/bc` is not below `a/b`.

use super::{ExtractError, names};

/// The selected paths, each as its segments.
#[derive(Debug, Clone, Default)]
pub struct Mask(Vec<Vec<String>>);

impl Mask {
    /// Reads the request's masks; an unsafe or empty one is refused, as an entry with that
    /// name would be.
    pub fn new(masks: &[String]) -> Result<Self, ExtractError> {
        let mut out = Vec::with_capacity(masks.len());
        for m in masks {
            // Listings write paths with a leading `/`; masks may too.
            let path = names::safe_path(m.trim_start_matches('/'))?;
            if path.is_empty() {
                return Err(ExtractError::Invalid("file_mask: an empty path"));
            }
            out.push(path);
        }
        Ok(Self(out))
    }

    /// Whether the entry at `path` (its segments) is extracted.
    pub fn selects(&self, path: &[String]) -> bool {
        self.0.is_empty() || self.0.iter().any(|m| path.starts_with(m))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split('/').map(str::to_owned).collect()
    }

    #[test]
    fn equal_or_below_a_mask() {
        let m = Mask::new(&["/a/b/".into(), "c.txt".into()]).unwrap();
        assert!(m.selects(&p("a/b")));
        assert!(m.selects(&p("a/b/x/y.txt")));
        assert!(!m.selects(&p("a/bc")));
        assert!(!m.selects(&p("a")));
        assert!(m.selects(&p("c.txt")));
        assert!(!m.selects(&p("d/c.txt")));
        assert!(Mask::default().selects(&p("anything")));
        assert!(Mask::new(&["../x".into()]).is_err());
        assert!(Mask::new(&["/".into()]).is_err());
    }
}
