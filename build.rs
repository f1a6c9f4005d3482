//! Embeds every `knowledge/**/*.yaml` file into the binary.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let kdir = root.join("knowledge");
    println!("cargo:rerun-if-changed=knowledge");
    let mut files = Vec::new();
    collect(&kdir, &mut files);
    // Base order is also the final tie-break of search: the general meaning of a
    // code (smtp.yaml, enhanced/) comes before specific texts that list the same
    // code, so a bare `421` or `5.7.1` shows the reference entry first.
    files.sort_by_key(|f| {
        let rel = f.strip_prefix(&kdir).unwrap_or(f);
        let reference = rel == Path::new("smtp.yaml") || rel.starts_with("enhanced");
        (!reference, f.clone())
    });
    let mut code = String::from("/// Built-in knowledge files: (path relative to the crate, contents).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded_knowledge.rs");
    std::fs::write(out, code).unwrap();
}
