fn main() {
    let path = std::env::args().nth(1).unwrap();
    match verdict::load_policy(path.as_ref()) {
        Ok(l) => {
            println!(
                "ok: {} rules, fp {}",
                l.program.rules.len(),
                l.program.fingerprint
            );
            for w in &l.warnings {
                println!(
                    "warning {w} at {:?}",
                    l.sources.line_col(&w.file, w.span.start)
                );
            }
        }
        Err(e) => {
            for d in &e.diagnostics {
                println!(
                    "{d} at {}:{:?} help={:?}",
                    d.file.display(),
                    e.sources.line_col(&d.file, d.span.start),
                    d.help
                );
            }
        }
    }
}
