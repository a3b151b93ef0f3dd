"""`layers`: higher layers may import lower ones, never the reverse, chains included."""

from __future__ import annotations

import pytest
from conftest import chains, rows

from archlint.errors import ConfigError, Problem
from archlint.model import Diagnostic

THREE_LAYERS = """
    [[contracts]]
    id = "layers"
    type = "layers"
    layers = ["app.high", "app.mid", "app.low"]
    {extra}
"""


def three_layers(extra: str = "") -> str:
    return THREE_LAYERS.format(extra=extra)


def result(report, contract_id: str = "layers"):
    (found,) = [r for r in report.results if r.id == contract_id]
    return found


# -- plain layers -----------------------------------------------------------------------------


def test_kept_when_every_import_goes_down(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "import app.mid\nimport app.low\n",
        "app/mid.py": "import app.low\n",
        "app/low.py": "import app.util\n",
        "app/util.py": "",
    }).contracts(three_layers())
    report = project.check()
    assert rows(report) == []
    assert result(report).status == "kept"
    assert report.exit_code == 0


def test_upward_import_is_a_direct_violation_with_message(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "import os\nfrom app import high\n",
    }).contracts(three_layers())
    report = project.check()
    assert rows(report) == [("app.low", "app.high", "app/low.py", 2)]
    assert chains(report) == [[("app.low", "app.high", "app/low.py", 2)]]
    (violation,) = result(report).violations
    assert violation.message == (
        "app.low imports app.high: layer app.low is below app.high and may not import it")
    assert violation.line_contents == "from app import high"
    assert report.exit_code == 1


def test_two_import_statements_of_one_pair_are_two_violations(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "import app.high\n\n\ndef f():\n    import app.high as h\n",
        "app/low.py": "",
    }).contracts(three_layers())
    report = project.check()
    assert rows(report) == [
        ("app.mid", "app.high", "app/mid.py", 1),
        ("app.mid", "app.high", "app/mid.py", 5),
    ]


def test_layers_cover_their_descendants(project):
    # app/low/deep has no __init__.py: its modules are still in the graph.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high/__init__.py": "",
        "app/high/api/handlers.py": "",
        "app/mid.py": "",
        "app/low/__init__.py": "",
        "app/low/deep/thing.py": "x = 1\nimport app.high.api.handlers\n",
    }).contracts(three_layers())
    report = project.check()
    assert rows(report) == [
        ("app.low.deep.thing", "app.high.api.handlers", "app/low/deep/thing.py", 2),
    ]
    assert result(report).violations[0].message == (
        "app.low.deep.thing imports app.high.api.handlers: layer app.low is below app.high "
        "and may not import it")


# -- chains -----------------------------------------------------------------------------------


def test_chain_through_a_module_outside_the_layers_is_an_indirect_violation(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "# -\nimport app.util\n",
        "app/util.py": "# -\n# -\nimport app.high\n",
    }).contracts(three_layers())
    report = project.check()
    assert rows(report) == [("app.low", "app.high", "app/low.py", 2)]
    assert chains(report) == [[
        ("app.low", "app.util", "app/low.py", 2),
        ("app.util", "app.high", "app/util.py", 3),
    ]]
    assert result(report).violations[0].message == (
        "app.low depends on app.high: layer app.low is below app.high and may not import it")


def test_chain_through_a_middle_layer_is_two_direct_violations_not_an_indirect_one(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "import app.high\n",
        "app/low.py": "import app.mid\n",
    }).contracts(three_layers())
    report = project.check()
    assert rows(report) == [
        ("app.low", "app.mid", "app/low.py", 1),
        ("app.mid", "app.high", "app/mid.py", 1),
    ]
    assert chains(report) == [
        [("app.low", "app.mid", "app/low.py", 1)],
        [("app.mid", "app.high", "app/mid.py", 1)],
    ]


def test_indirect_violation_shows_the_shortest_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "import app.long1\nimport app.short\n",
        "app/long1.py": "import app.long2\n",
        "app/long2.py": "import app.high\n",
        "app/short.py": "import app.high\n",
    }).contracts(three_layers())
    report = project.check()
    assert chains(report) == [[
        ("app.low", "app.short", "app/low.py", 2),
        ("app.short", "app.high", "app/short.py", 1),
    ]]


def test_pair_imported_directly_and_through_a_chain_is_reported_both_ways(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low/__init__.py": "",
        "app/low/a.py": "import app.util\nimport app.high\n",
        "app/low/b.py": "import app.util\n",
        "app/util.py": "import app.high\n",
    }).contracts(three_layers())
    report = project.check()
    assert chains(report) == [
        [("app.low.a", "app.util", "app/low/a.py", 1),
         ("app.util", "app.high", "app/util.py", 1)],
        [("app.low.a", "app.high", "app/low/a.py", 2)],
        [("app.low.b", "app.util", "app/low/b.py", 1),
         ("app.util", "app.high", "app/util.py", 1)],
    ]


# -- containers -------------------------------------------------------------------------------

CONTAINERS = """
    [[contracts]]
    id = "layers"
    type = "layers"
    containers = {containers}
    layers = ["views", "models"]
    {extra}
"""


def containers(names: str = '["app.shop", "app.blog"]', extra: str = "") -> str:
    return CONTAINERS.format(containers=names, extra=extra)


def test_layers_are_relative_to_each_of_two_containers(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "import app.shop.models\n",
        "app/shop/models.py": "import app.shop.views\n",
        "app/blog/views.py": "import app.blog.models\n",
        "app/blog/models/post.py": "x = 1\nfrom app.blog import views\n",
    }).contracts(containers())
    report = project.check()
    assert rows(report) == [
        ("app.blog.models.post", "app.blog.views", "app/blog/models/post.py", 2),
        ("app.shop.models", "app.shop.views", "app/shop/models.py", 1),
    ]
    assert [v.message for v in result(report).violations] == [
        "app.blog.models.post imports app.blog.views: layer app.blog.models is below "
        "app.blog.views and may not import it",
        "app.shop.models imports app.shop.views: layer app.shop.models is below "
        "app.shop.views and may not import it",
    ]


def test_imports_across_containers_are_not_checked(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "import app.blog.views\n",
        "app/blog/__init__.py": "",
        "app/blog/views.py": "",
        "app/blog/models.py": "",
    }).contracts(containers())
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_a_layer_missing_from_one_container_is_checked_in_the_others(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "import app.shop.views\n",
        "app/blog/__init__.py": "",
        "app/blog/models.py": "",
    }).contracts(containers())
    report = project.check()
    assert rows(report) == [("app.shop.models", "app.shop.views", "app/shop/models.py", 1)]


def test_containers_with_single_star(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/util.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "import app.shop.views\n",
        "app/blog/views.py": "",
        "app/blog/models.py": "import app.blog.views\n",
        "app/blog/sub/views.py": "",
        "app/blog/sub/models.py": "import app.blog.sub.views\n",
    }).contracts(containers('["app.*"]'))
    report = project.check()
    assert rows(report) == [
        ("app.blog.models", "app.blog.views", "app/blog/models.py", 1),
        ("app.shop.models", "app.shop.views", "app/shop/models.py", 1),
    ]


def test_containers_with_double_star_match_zero_or_more_segments(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "import app.shop.views\n",
        "app/legacy/shop/views.py": "",
        "app/legacy/shop/models.py": "# -\nimport app.legacy.shop.views\n",
        "app/blog/views.py": "",
        "app/blog/models.py": "import app.blog.views\n",
    }).contracts(containers('["app.**.shop"]'))
    report = project.check()
    assert rows(report) == [
        ("app.legacy.shop.models", "app.legacy.shop.views", "app/legacy/shop/models.py", 2),
        ("app.shop.models", "app.shop.views", "app/shop/models.py", 1),
    ]


# -- siblings ---------------------------------------------------------------------------------

SIBLINGS = """
    [[contracts]]
    id = "layers"
    type = "layers"
    layers = ["app.api", "app.orders {sep} app.billing", "app.core"]
"""


def test_independent_siblings_may_not_import_each_other(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/api.py": "import app.orders\nimport app.billing\n",
        "app/orders.py": "import app.core\nimport app.billing\n",
        "app/billing.py": "import app.core\n",
        "app/core.py": "",
    }).contracts(SIBLINGS.format(sep="|"))
    report = project.check()
    assert rows(report) == [("app.orders", "app.billing", "app/orders.py", 2)]
    assert result(report).violations[0].message == (
        "app.orders imports app.billing, but layers app.orders and app.billing are "
        "independent siblings")


def test_independent_siblings_may_not_depend_on_each_other_through_a_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/api.py": "",
        "app/orders.py": "import app.util\n",
        "app/util.py": "import app.billing\n",
        "app/billing.py": "",
        "app/core.py": "",
    }).contracts(SIBLINGS.format(sep="|"))
    report = project.check()
    assert chains(report) == [[
        ("app.orders", "app.util", "app/orders.py", 1),
        ("app.util", "app.billing", "app/util.py", 1),
    ]]
    assert result(report).violations[0].message == (
        "app.orders depends on app.billing, but layers app.orders and app.billing are "
        "independent siblings")


def test_colon_siblings_may_import_each_other(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/api.py": "import app.orders\n",
        "app/orders.py": "import app.core\nimport app.billing\n",
        "app/billing.py": "import app.core\nimport app.orders\n",
        "app/core.py": "",
    }).contracts(SIBLINGS.format(sep=":"))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_siblings_still_may_not_import_a_higher_layer(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/api.py": "",
        "app/orders.py": "",
        "app/billing.py": "import app.api\n",
        "app/core.py": "",
    }).contracts(SIBLINGS.format(sep=":"))
    report = project.check()
    assert rows(report) == [("app.billing", "app.api", "app/billing.py", 1)]
    assert result(report).violations[0].message == (
        "app.billing imports app.api: layer app.billing is below app.api and may not import it")


# -- exhaustive -------------------------------------------------------------------------------


def test_exhaustive_reports_each_unlisted_child_of_each_container(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "",
        "app/shop/helpers.py": "",
        "app/blog/views.py": "",
        "app/blog/models.py": "",
        "app/blog/extra/__init__.py": "",
    }).contracts(containers(extra="exhaustive = true"))
    report = project.check()
    assert rows(report) == [
        ("app.blog.extra", "app.blog", "app/blog/extra/__init__.py", 1),
        ("app.shop.helpers", "app.shop", "app/shop/helpers.py", 1),
    ]
    assert chains(report) == [[], []]
    assert [v.message for v in result(report).violations] == [
        "app.blog.extra is in no layer of app.blog; with exhaustive = true every child of a "
        "container must be listed",
        "app.shop.helpers is in no layer of app.shop; with exhaustive = true every child of a "
        "container must be listed",
    ]
    assert report.exit_code == 1


def test_an_unlisted_folder_without_init_is_reported_at_the_contract(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "",
        "app/shop/templates/project/hooks/post_gen.py": "",
    }).contracts(containers(names='["app.shop"]', extra="exhaustive = true"))
    assert rows(project.check()) == [
        ("app.shop.templates", "app.shop", "contracts/contracts.toml", 1)]


def test_exhaustive_is_kept_when_every_child_is_listed(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "import app.shop.models\n",
        "app/shop/models/__init__.py": "",
        "app/shop/models/user.py": "",
        "app/blog/views.py": "",
        "app/blog/models.py": "",
    }).contracts(containers(extra="exhaustive = true"))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_a_dotted_layer_name_does_not_list_its_parent_child(project):
    """`management.commands` is a layer; `management` itself (its `__init__`) is then a child
    of the container that no layer names."""
    project.settings(["auth"]).files({
        "auth/__init__.py": "",
        "auth/views.py": "",
        "auth/management/__init__.py": "def create_permissions():\n    pass\n",
        "auth/management/commands/__init__.py": "",
        "auth/management/commands/changepassword.py": "",
        "auth/models.py": "",
    }).contracts("""
        [[contracts]]
        id = "layers"
        type = "layers"
        containers = ["auth"]
        layers = ["management.commands", "views", "models"]
        exhaustive = true
    """)
    report = project.check()
    assert rows(report) == [("auth.management", "auth", "auth/management/__init__.py", 1)]


def test_exhaustive_ignores_names_children_that_need_no_layer(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "",
        "app/shop/helpers.py": "",
        "app/shop/migrations/__init__.py": "",
        "app/blog/views.py": "",
        "app/blog/models.py": "",
    }).contracts(containers(extra='exhaustive = true\nexhaustive_ignores = ["migrations"]'))
    report = project.check()
    assert rows(report) == [("app.shop.helpers", "app.shop", "app/shop/helpers.py", 1)]


def test_exhaustive_without_containers_is_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "",
    }).contracts(three_layers("exhaustive = true"))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("needs 'containers': exhaustive means every child of a container is in a layer",
                file="contracts/contracts.toml", line=1, contract_id="layers", key="exhaustive"),
    )


# -- optional layers --------------------------------------------------------------------------


def test_an_optional_layer_may_match_no_module(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/low.py": "import app.high\n",
    }).contracts("""
        [[contracts]]
        id = "layers"
        type = "layers"
        layers = ["app.high", "(app.mid) | (app.side)", "app.low"]
    """)
    report = project.check()
    assert rows(report) == [("app.low", "app.high", "app/low.py", 1)]


def test_an_optional_layer_that_exists_is_a_layer(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "import app.low\n",
        "app/mid.py": "import app.high\n",
        "app/low.py": "",
    }).contracts("""
        [[contracts]]
        id = "layers"
        type = "layers"
        layers = ["app.high", "(app.mid)", "app.low"]
    """)
    report = project.check()
    assert rows(report) == [("app.mid", "app.high", "app/mid.py", 1)]


def test_nested_layers_and_misplaced_exhaustive_ignores_are_config_errors(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high/__init__.py": "",
        "app/high/api.py": "",
        "app/low.py": "",
    }).contracts("""
        [[contracts]]
        id = "layers"
        type = "layers"
        layers = ["app.high", "app.high.api", "app.low"]
        exhaustive_ignores = ["tests", "a.b"]
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [p.message for p in caught.value.problems] == [
        "'app.high.api' is inside 'app.high': layers cannot nest",
        "needs exhaustive = true",
        "'a.b' is not the name of a child module",
    ]


# -- ignore -----------------------------------------------------------------------------------


def test_ignore_entry_covers_descendants_only_where_written(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high/__init__.py": "",
        "app/high/api.py": "",
        "app/mid.py": "",
        "app/low/__init__.py": "import app.high\n",
        "app/low/legacy/thing.py": "import app.high.api\n",
    }).contracts(three_layers('ignore = ["app.low -> app.high"]'))
    report = project.check()
    assert rows(report) == [("app.low.legacy.thing", "app.high.api", "app/low/legacy/thing.py", 1)]
    project.contracts(three_layers('ignore = ["app.low.** -> app.high.**"]'))
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == ()
    assert report.exit_code == 0


def test_ignoring_imports_of_a_package_init_alone(project):
    """`import app as a` everywhere: ignore the imports of the root package's `__init__`
    (`app.** -> app`) and keep every other import checked."""
    project.settings(["app"]).files({
        "app/__init__.py": "from app.high import api\n",
        "app/high/__init__.py": "",
        "app/high/api.py": "",
        "app/mid.py": "",
        "app/low/__init__.py": "",
        "app/low/a.py": "import app as pkg\n",
        "app/low/b.py": "import app.high.api\n",
    }).contracts(three_layers('ignore = ["app.** -> app"]'))
    report = project.check()
    assert rows(report) == [("app.low.b", "app.high.api", "app/low/b.py", 1)]


def test_ignoring_a_link_of_a_chain_breaks_the_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "import app.util\n",
        "app/util.py": "import app.high\n",
    }).contracts(three_layers('ignore = ["app.util -> app.high"]'))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_unmatched_ignore_entry_is_a_diagnostic_at_its_line(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "",
    }).contracts("""
        [[contracts]]
        id = "layers"
        type = "layers"
        layers = ["app.high", "app.mid", "app.low"]
        ignore = ["app.low -> app.high"]
    """)
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == (Diagnostic(
        kind="unmatched-ignore", path="contracts/contracts.toml", line=5,
        message="contract 'layers': ignore entry 'app.low -> app.high' matches no import; "
                "remove it",
    ),)
    assert report.exit_code == 1


# -- severity ---------------------------------------------------------------------------------


def test_warning_severity_reports_but_does_not_fail_the_run(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/low.py": "import app.high\n",
    }).contracts(three_layers('severity = "warning"'))
    report = project.check()
    assert rows(report) == [("app.low", "app.high", "app/low.py", 1)]
    assert result(report).status == "broken"
    assert report.exit_code == 0


# -- configuration errors ---------------------------------------------------------------------


def test_layer_matching_no_module_is_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/low.py": "",
    }).contracts(three_layers())
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("layer 'app.mid' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="layers", key="layers"),
    )


def test_layer_matching_no_module_in_any_container_is_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/blog/views.py": "",
    }).contracts(containers())
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("layer 'models' matches no module in any container (app.blog, app.shop)",
                file="contracts/contracts.toml", line=1, contract_id="layers", key="layers"),
    )


def test_container_matching_no_module_is_one_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "",
        "app/shop/models.py": "",
    }).contracts(containers('["app.nope.*"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'app.nope.*' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="layers", key="containers"),
    )


def test_every_lower_module_with_a_chain_up_is_a_violation(project):
    # Found by the oracle property: a chain that joins another one's middle was dropped.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/high.py": "",
        "app/mid.py": "",
        "app/hub.py": "import app.high\n",
        "app/helper.py": "import app.hub\n",
        "app/low/__init__.py": "import app.hub\n",
        "app/low/deep.py": "import app.helper\n",
    }).contracts(three_layers())
    assert chains(project.check()) == [
        [("app.low", "app.hub", "app/low/__init__.py", 1),
         ("app.hub", "app.high", "app/hub.py", 1)],
        [("app.low.deep", "app.helper", "app/low/deep.py", 1),
         ("app.helper", "app.hub", "app/helper.py", 1),
         ("app.hub", "app.high", "app/hub.py", 1)],
    ]
