//! Setting keys in a page's front matter in place, for `import`: the keys it owns get their
//! new values and everything else — the other keys, the comments `new` wrote, order and
//! layout — stays as written. The result is read back and compared with what was meant, so
//! an edit that would change anything else is refused rather than written.

use serde_yaml::{Mapping, Value};

/// Why a front matter was not updated.
#[derive(Debug, Clone, PartialEq)]
pub enum NotUpdated {
    /// It is not a YAML mapping: the reason.
    Unreadable(String),
    /// Its layout (an owned key written over several unusual lines, say) does not let the
    /// owned keys be replaced without touching the rest.
    Layout,
}

/// `front` (the text between the `---` lines) with each of the `owned` keys set to its value
/// in `values`, or removed where `values` has none. A key whose value is unchanged keeps its
/// text; a key the page lacks takes the place of its commented-out line (`# joined: 2024`,
/// as `new` writes them), or else is added at the end, in the order of `values`.
pub fn update(front: &str, owned: &[&str], values: &[(&str, Value)]) -> Result<String, NotUpdated> {
    if front.trim().is_empty() {
        // Nothing to keep: a new page.
        let all: Mapping = values
            .iter()
            .map(|(key, value)| (Value::String(key.to_string()), value.clone()))
            .collect();
        return serde_yaml::to_string(&all).map_err(|e| NotUpdated::Unreadable(e.to_string()));
    }
    let old = mapping(front)?;
    let value_of = |key: &str| values.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
    let blocks = blocks(front);
    let present: Vec<&str> = blocks.iter().filter_map(|b| b.key).collect();
    let mut text = String::with_capacity(front.len() + 64);
    let mut written: Vec<&str> = Vec::new();
    for block in blocks {
        match block.key.filter(|k| owned.contains(k)) {
            None => match commented_out(block.text)
                .filter(|k| !present.contains(k) && !written.contains(k))
                .and_then(|k| Some((k, value_of(k)?)))
            {
                Some((key, value)) => {
                    written.push(key);
                    text.push_str(&entry(key, value)?);
                }
                None => text.push_str(block.text),
            },
            Some(key) => {
                written.push(key);
                match value_of(key) {
                    Some(new) if old.get(key) == Some(new) => text.push_str(block.text),
                    Some(new) => text.push_str(&entry(key, new)?),
                    None => {}
                }
            }
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for (key, value) in values.iter().filter(|(k, _)| !written.contains(k)) {
        text.push_str(&entry(key, value)?);
    }
    if text == front {
        // Every owned value was there already, unchanged.
        return Ok(text);
    }
    let mut expected = old;
    for key in owned {
        expected.remove(*key);
    }
    for (key, value) in values {
        expected.insert(Value::String(key.to_string()), value.clone());
    }
    match mapping(&text) {
        Ok(updated) if updated == expected => Ok(text),
        _ => Err(NotUpdated::Layout),
    }
}

/// The front matter as a mapping (empty when there is none).
fn mapping(front: &str) -> Result<Mapping, NotUpdated> {
    match serde_yaml::from_str::<Value>(front) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(_) => Err(NotUpdated::Unreadable(
            "it is not a list of `key: value` lines".into(),
        )),
        Err(e) => Err(NotUpdated::Unreadable(e.to_string())),
    }
}

/// `key: value` as its own lines, in the form `import` writes new pages in.
fn entry(key: &str, value: &Value) -> Result<String, NotUpdated> {
    let mut one = Mapping::new();
    one.insert(Value::String(key.to_string()), value.clone());
    serde_yaml::to_string(&one).map_err(|e| NotUpdated::Unreadable(e.to_string()))
}

/// A run of front matter lines: one top-level key with the lines of its value, or lines
/// that belong to no key (comments, blank lines).
struct Block<'a> {
    key: Option<&'a str>,
    text: &'a str,
}

/// `front` with only the keys of `kept` (each with its value's lines), in their order; comments
/// and other keys left out.
pub fn only_keys(front: &str, kept: &[&str]) -> String {
    blocks(front)
        .into_iter()
        .filter(|b| b.key.is_some_and(|k| kept.contains(&k)))
        .map(|b| b.text)
        .collect()
}

/// The front matter cut into [`Block`]s. A key's value goes on over the lines that are
/// indented or are items of a list (`- …`); a comment or blank line ends it.
fn blocks(front: &str) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut start = 0;
    let mut key = None;
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        let continues = key.is_some() && line.starts_with([' ', '\t', '-']);
        if !continues {
            if offset > start {
                blocks.push(Block {
                    key,
                    text: &front[start..offset],
                });
            }
            start = offset;
            key = top_level_key(line);
        }
        offset += line.len();
    }
    if offset > start {
        blocks.push(Block {
            key,
            text: &front[start..offset],
        });
    }
    blocks
}

/// The key of a commented-out `# key: …` line.
fn commented_out(line: &str) -> Option<&str> {
    top_level_key(line.strip_prefix('#')?.trim_start())
}

/// The key a line starts, when it is a plain top-level `key:` line.
fn top_level_key(line: &str) -> Option<&str> {
    let (key, rest) = line.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
        && !key.starts_with('-');
    (plain && (rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::String(s.into())
    }

    const NEW_MEMBER: &str = "# The member's id.\nid: ke-0002\n# Its name.\nname: Old\n\
                              # Levels.\nlevels:\n- primary\n# Optional. Its website.\n\
                              # website: https://\ndraft: true\n";

    #[test]
    fn owned_keys_change_and_everything_else_stays() {
        let values = [
            ("id", text("ke-0002")),
            ("name", text("New name")),
            ("website", text("https://example.org/")),
        ];
        let updated = update(NEW_MEMBER, &["id", "name", "levels", "website"], &values);
        assert_eq!(
            updated,
            Ok(
                "# The member's id.\nid: ke-0002\n# Its name.\nname: New name\n# Levels.\n\
                # Optional. Its website.\nwebsite: https://example.org/\ndraft: true\n"
                    .to_string()
            )
        );
    }

    #[test]
    fn a_key_goes_at_the_end_unless_commented_out() {
        let values = [
            ("city", text("Kisumu")),
            ("joined", Value::Number(2020.into())),
        ];
        let front = "id: ke-0002\n# joined: 2024\n#joined: 2023\n";
        assert_eq!(
            update(front, &["city", "joined"], &values),
            Ok("id: ke-0002\njoined: 2020\n#joined: 2023\ncity: Kisumu\n".to_string())
        );
        // A key that is there is set where it is; its commented-out line stays a comment.
        let front = "# city: Nairobi\ncity: Mombasa\n";
        assert_eq!(
            update(front, &["city"], &values[..1]),
            Ok("# city: Nairobi\ncity: Kisumu\n".to_string())
        );
    }

    #[test]
    fn unchanged_values_keep_their_layout() {
        let front = "levels: [primary]   # as written\nname: A\n";
        let values = [("levels", Value::Sequence(vec![text("primary")]))];
        assert_eq!(update(front, &["levels"], &values), Ok(front.to_string()));
    }

    #[test]
    fn unreadable_or_unusual_front_matter_is_refused() {
        assert!(matches!(
            update("name: [unclosed\n", &["name"], &[("name", text("x"))]),
            Err(NotUpdated::Unreadable(_))
        ));
        assert!(matches!(
            update("- a\n- b\n", &["name"], &[]),
            Err(NotUpdated::Unreadable(_))
        ));
        // A block scalar with a blank line: the blank line would end the value.
        let front = "name: |\n  one\n\n  two\ncity: x\n";
        assert_eq!(
            update(front, &["name"], &[("name", text("y"))]),
            Err(NotUpdated::Layout)
        );
    }
}
