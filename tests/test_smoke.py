from conftest import rows


def test_forbidden_direct_import_is_reported_with_path_and_line(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import os\nimport app.b\n",
        "app/b.py": "",
    }).contracts("""
        [[contracts]]
        id = "a-not-b"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """)
    report = project.check()
    assert rows(report) == [("app.a", "app.b", "app/a.py", 2)]
    assert report.exit_code == 1
