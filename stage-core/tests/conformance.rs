//! Every conformance case through both renderers.

use stage_tests::conformance::{Renderer, Suite};

fn check_file(name: &str, renderer: Renderer) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/").to_owned() + name;
    let suite = Suite::load(&path).unwrap();
    assert!(!suite.cases.is_empty());
    let failures: Vec<String> = suite
        .cases
        .iter()
        .filter_map(|case| {
            case.check(&suite.assets, renderer)
                .err()
                .map(|e| format!("{}: {e}", case.id))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        suite.cases.len(),
        failures.join("\n")
    );
}

#[test]
fn public_cases_fast() {
    check_file("public.json", Renderer::Fast);
}

#[test]
fn public_cases_reference() {
    check_file("public.json", Renderer::Reference);
}

#[test]
fn bench_scenes_fast() {
    check_file("bench.json", Renderer::Fast);
}

#[test]
fn bench_scenes_reference() {
    check_file("bench.json", Renderer::Reference);
}

#[test]
fn a_wrong_stream_is_reported() {
    // The checker itself must be able to fail: corrupt one expectation.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/public.json"
    );
    let mut suite = Suite::load(path).unwrap();
    let case = &mut suite.cases[0];
    case.expect.sha256 = "00".repeat(32);
    assert!(case.check(&suite.assets, Renderer::Fast).is_err());
    case.expect.chunks.push(2);
    assert!(case.check(&suite.assets, Renderer::Reference).is_err());
}
