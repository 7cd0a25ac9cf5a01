//! Settings that hold a list of ids (`guard_exempt_groups`): ids above zero separated by
//! commas, or nothing. The administrator's value is checked strictly here before it is
//! saved; readers of the setting may be more lenient with what older versions stored.

/// The ids of `text`, or what is wrong with it.
pub fn parse(text: &str) -> Result<Vec<i64>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.parse::<i64>() {
            Ok(id) if id > 0 => Ok(id),
            _ => Err(format!(
                "{part:?} is not an id (ids are whole numbers above 0, separated by commas)"
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ids_are_separated_by_commas() {
        assert_eq!(parse("2,5").unwrap(), vec![2, 5]);
        assert_eq!(parse(" 2 , 5 ,").unwrap(), vec![2, 5]);
        assert!(parse("").unwrap().is_empty());
        assert!(parse("admins").is_err());
        assert!(parse("0").is_err());
        assert!(parse("-1").is_err());
        assert!(parse("2 5").is_err());
    }
}
