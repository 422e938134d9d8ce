//! The docker-compose deployment and the Dockerfile, checked without a
//! Docker engine: the files parse, name the services and ports the README
//! promises, and agree with the project (binary name, config keys, topics).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compose() -> Value {
    let text = std::fs::read_to_string(root().join("docker-compose.yml")).unwrap();
    serde_yaml_ng::from_str(&text).expect("docker-compose.yml is valid YAML")
}

fn env_of(service: &Value) -> Vec<(String, String)> {
    service["environment"]
        .as_object()
        .expect("environment is a map")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

#[test]
fn compose_has_the_services_and_ports_the_readme_names() {
    let c = compose();
    let services = c["services"].as_object().unwrap();
    let mut names: Vec<&str> = services.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["create-topics", "enricher", "jaeger", "kafka"]);

    let kafka = &c["services"]["kafka"];
    assert!(kafka["image"]
        .as_str()
        .unwrap()
        .starts_with("apache/kafka:"));
    let kenv: std::collections::BTreeMap<_, _> = env_of(kafka).into_iter().collect();
    assert_eq!(
        kenv["KAFKA_PROCESS_ROLES"], "broker,controller",
        "single-node KRaft"
    );
    assert!(kafka["ports"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p.as_str().unwrap().starts_with("9092:9092")));

    let jaeger = &c["services"]["jaeger"];
    let ports: Vec<&str> = jaeger["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for port in ["16686:16686", "4318:4318"] {
        assert!(
            ports.iter().any(|p| p.starts_with(port)),
            "jaeger publishes {port}"
        );
    }
    assert_eq!(c["services"]["enricher"]["build"], ".");
    let enricher_ports = c["services"]["enricher"]["ports"].as_array().unwrap();
    assert!(
        enricher_ports
            .iter()
            .any(|p| p.as_str().unwrap().starts_with("9095:9095")),
        "the worker publishes its operations endpoint"
    );
}

/// Every ARTICLE_ENRICHER__ variable of the worker service must be a real
/// configuration key with a valid value, and the topics it names must be
/// the ones the one-shot service creates.
#[test]
#[allow(clippy::result_large_err)] // figment's Jail closure returns figment::Error
fn compose_worker_environment_is_a_valid_configuration() {
    let c = compose();
    let env = env_of(&c["services"]["enricher"]);
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        for (k, v) in &env {
            jail.set_env(k, v);
        }
        let config = article_enricher::config::Config::load(None)
            .expect("compose environment is a valid config");
        assert_eq!(config.kafka.brokers, "kafka:19092");
        // Reachable from outside the container, on the published port.
        assert_eq!(config.http.listen, "0.0.0.0:9095");
        Ok(())
    });
    let create = c["services"]["create-topics"]["command"][0]
        .as_str()
        .unwrap();
    for (k, v) in &env {
        if k.starts_with("ARTICLE_ENRICHER__TOPICS__") {
            assert!(create.contains(v.as_str()), "create-topics creates {v}");
        }
    }
    assert!(env
        .iter()
        .any(|(k, v)| k == "OTEL_EXPORTER_OTLP_ENDPOINT" && v.contains("jaeger:4318")));
}

#[test]
fn dockerfile_builds_this_binary_and_runs_it_as_non_root() {
    let text = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let froms = text.lines().filter(|l| l.starts_with("FROM ")).count();
    assert_eq!(froms, 2, "multi-stage: a build stage and a runtime stage");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_article-enricher"));
    let bin_name = bin.file_name().unwrap().to_str().unwrap();
    assert!(text.contains(&format!("--bin {bin_name}")));
    assert!(text.contains(&format!(
        "/src/target/release/{bin_name} /usr/local/bin/{bin_name}"
    )));
    assert!(text.contains("USER 10001"), "runs as a non-root user");

    // Every file the image copies from the repository exists.
    for line in text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        let src = line.split_whitespace().nth(1).unwrap();
        assert!(root().join(src).exists(), "COPY source {src} exists");
    }
    // The config path the image passes exists in the image, and the command
    // line it runs is one the binary accepts.
    let cmd_line = text.lines().find(|l| l.starts_with("CMD ")).unwrap();
    let cmd: Vec<String> = serde_json::from_str(cmd_line.trim_start_matches("CMD ")).unwrap();
    assert_eq!(cmd[..2], ["--config", "/etc/article-enricher/config.toml"]);
    assert!(text.contains("COPY config/default.toml /etc/article-enricher/config.toml"));
    let mut args: Vec<String> = vec![
        "--config".into(),
        root().join("config/default.toml").display().to_string(),
    ];
    args.extend(cmd[2..].iter().cloned());
    args.push("--help".into());
    let out = Command::new(&bin).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "`{}` is accepted: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}
