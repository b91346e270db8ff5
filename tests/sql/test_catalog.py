"""``spark.catalog``: temporary and global temporary views, caching views, and the one database and
catalog Ember has. Rows and errors were captured from PySpark 4.3 (local[1], no Hive)."""

from __future__ import annotations

import pytest

from ember.sql import AnalysisException, Row
from ember.sql.catalog import CatalogMetadata, Column, Table

ROWS = [(1, "a", 1.0), (2, "b", 3.0), (3, "a", 2.0), (4, "b", 8.0), (5, "a", 7.0)]


@pytest.fixture
def views(spark):
    df = spark.createDataFrame(ROWS, ["id", "s", "x"])
    df.createOrReplaceTempView("tv")
    df.createOrReplaceGlobalTempView("g2")
    yield spark
    spark.catalog.dropTempView("tv")
    spark.catalog.dropGlobalTempView("g2")


def test_listColumns_of_a_view_and_a_global_view(views):
    expected = [Column("id", None, "bigint", True, False, False, False),
                Column("s", None, "string", True, False, False, False),
                Column("x", None, "double", True, False, False, False)]
    assert views.catalog.listColumns("tv") == expected
    assert views.catalog.listColumns("global_temp.g2") == expected
    assert repr(expected[0]) == ("Column(name='id', description=None, dataType='bigint', nullable=True, "
                                 "isPartition=False, isBucket=False, isCluster=False)")
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        views.catalog.listColumns("nope")


def test_listTables_shows_global_views_only_for_global_temp(views):
    local = Table("tv", None, [], None, "TEMPORARY", True)
    glob = Table("g2", None, ["global_temp"], None, "TEMPORARY", True)
    assert local in views.catalog.listTables() and glob not in views.catalog.listTables()
    listed = views.catalog.listTables("global_temp")
    assert listed.index(glob) < listed.index(local)
    assert views.catalog.listTables(pattern="tv") == [local]
    assert views.catalog.listTables(pattern="nope|T?") == [t for t in views.catalog.listTables()
                                                          if len(t.name) == 2 and t.name[0] == "t"]
    assert repr(local) == "Table(name='tv', catalog=None, namespace=[], description=None, tableType='TEMPORARY', " \
                          "isTemporary=True)"
    with pytest.raises(AnalysisException) as e:
        views.catalog.listTables("nope")
    assert e.value.error_class == "SCHEMA_NOT_FOUND"
    assert "The schema `spark_catalog`.`nope` cannot be found." in str(e.value)


def test_getTable_and_tableExists(views):
    assert views.catalog.getTable("tv") == Table("tv", None, [], None, "TEMPORARY", True)
    assert views.catalog.getTable("global_temp.g2") == Table("g2", None, ["global_temp"], None, "TEMPORARY", True)
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        views.catalog.getTable("nope")
    assert (views.catalog.tableExists("tv"), views.catalog.tableExists("nope"),
            views.catalog.tableExists("tv", "default")) == (True, False, False)
    assert (views.catalog.tableExists("global_temp.g2"), views.catalog.tableExists("g2", "global_temp"),
            views.catalog.tableExists("g2")) == (True, True, False)


def test_dropTempView_does_not_drop_global_views(views):
    assert views.catalog.dropTempView("global_temp.g2") is False
    assert views.catalog.tableExists("global_temp.g2")


def test_cacheTable_caches_the_view_for_later_queries(views):
    catalog = views.catalog
    assert catalog.isCached("tv") is False
    catalog.cacheTable("tv")
    assert catalog.isCached("tv") is True
    assert "InMemoryRelation" in views.table("tv")._plan.tree_string()
    assert views.sql("SELECT sum(id) AS t FROM tv").collect() == [Row(t=15)]
    catalog.uncacheTable("tv")
    assert catalog.isCached("tv") is False
    catalog.cacheTable("tv")
    catalog.clearCache()
    assert catalog.isCached("tv") is False
    assert catalog.isCached("global_temp.g2") is False
    for name in ("cacheTable", "isCached", "uncacheTable"):
        with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
            getattr(catalog, name)("nope")


def test_the_default_database_and_spark_catalog(views):
    catalog = views.catalog
    [db] = catalog.listDatabases()
    assert (db.name, db.catalog, db.description) == ("default", "spark_catalog", "default database")
    assert db.locationUri.startswith("file:") and db.locationUri.endswith("spark-warehouse")
    assert catalog.listDatabases("def*") == [db] and catalog.getDatabase("default") == db
    assert (catalog.databaseExists("default"), catalog.databaseExists("nope"),
            catalog.databaseExists("global_temp")) == (True, False, False)
    assert catalog.listCatalogs() == [CatalogMetadata("spark_catalog", None)]
    assert (catalog.currentCatalog(), catalog.currentDatabase()) == ("spark_catalog", "default")
    catalog.setCurrentDatabase("default")
    for call in (lambda: catalog.setCurrentDatabase("nope"), lambda: catalog.getDatabase("nope")):
        with pytest.raises(AnalysisException) as e:
            call()
        assert str(e.value).startswith("[SCHEMA_NOT_FOUND] The schema `spark_catalog`.`nope` cannot be found.")


def test_functionExists_knows_the_builtin_functions(views):
    assert (views.catalog.functionExists("abs"), views.catalog.functionExists("nope")) == (True, False)


def test_a_new_session_sees_global_views_but_not_temporary_ones(views):
    other = views.newSession()
    assert other.table("global_temp.g2").count() == 5
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        other.table("tv")
