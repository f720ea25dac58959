//! A table printed either as aligned text for the terminal or as Markdown for `docs/benchmarks.md`.

/// Rows of cells under a header.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names.
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn cell(row: &[String], column: usize) -> &str {
        row.get(column).map_or("", String::as_str)
    }

    /// Aligned columns separated by two spaces, a rule under the header.
    pub fn text(&self) -> String {
        let columns = self.header.len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|row| Self::cell(row, c).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: &[String]| {
            let cells: Vec<String> = (0..columns)
                .map(|c| {
                    let text = Self::cell(row, c);
                    let pad = widths[c].saturating_sub(text.chars().count());
                    format!("{text}{}", " ".repeat(pad))
                })
                .collect();
            cells.join("  ").trim_end().to_owned()
        };
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let mut out = vec![line(&self.header), rule.join("  ")];
        out.extend(self.rows.iter().map(|row| line(row)));
        out.join("\n") + "\n"
    }

    /// A GitHub-flavoured Markdown table.
    pub fn markdown(&self) -> String {
        let columns = self.header.len();
        let line = |row: &[String]| {
            let cells: Vec<String> = (0..columns)
                .map(|c| Self::cell(row, c).replace('|', "\\|"))
                .collect();
            format!("| {} |", cells.join(" | "))
        };
        let mut out = vec![line(&self.header), format!("|{}", "---|".repeat(columns))];
        out.extend(self.rows.iter().map(|row| line(row)));
        out.join("\n") + "\n"
    }
}
