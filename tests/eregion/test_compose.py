"""docker-compose.yml: the web containers start gunicorn only; the schema and the data are
brought up to date by one-off services, not at every start of every web replica."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_web_starts_gunicorn_without_migrating_or_loading_data():
    command = services()["web"]["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert "gunicorn" in command
    assert "load_region_data" not in command and "migrate" not in command


def test_migrations_run_once_before_web_worker_and_beat():
    compose = services()
    migrate = compose["migrate"]
    assert "migrate" in migrate["command"] and migrate["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert compose[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_region_data_is_loaded_by_a_one_off_service_that_up_does_not_start():
    load = services()["load"]
    assert "load_region_data" in load["command"]
    assert load["profiles"] and load["restart"] == "no"  # docker compose run --rm load
