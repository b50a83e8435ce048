"""Structure checks of fitted trees before scikit-learn or XGBoost walk them.

Both libraries trust the node arrays of a loaded model: a child index of 10**9, a feature index
past the input, or a child that points back to its parent makes ``predict`` read outside its
arrays (a segmentation fault) or loop forever. The file formats (skops, XGBoost JSON) only hold
allowed types, so a damaged or edited file passes the type allow-list; these checks refuse it
with a :class:`~lab.surrogates.errors.SurrogateFileError` naming the file, the tree and the node.

Checked (each tree):

* scikit-learn ``Tree``: ``children_left``/``children_right`` are both ``-1`` (leaf) or both in
  ``(node, node_count)`` (children come after their parent, so no cycle is possible); split
  features in ``[0, n_features)``; ``value`` of shape ``node_count x n_outputs x classes``;
* scikit-learn ``KDTree``/``BallTree``: ``idx_array`` a permutation of the rows, each node's
  ``[idx_start, idx_end)`` inside it, the implicit children ``2i+1, 2i+2`` of an inner node exist;
* XGBoost (JSON model): per tree, arrays of ``num_nodes`` entries, children in ``[0, num_nodes)``
  reached once each from the root (no cycle, no sharing), split features in
  ``[0, num_feature)``, numerical splits only, ``tree_info`` groups in ``[0, num_target)``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from lab.errors import SurrogateFileError

#: How deep :func:`_objects` looks into estimator attributes (ensembles of pipelines are 3 deep).
_MAX_WALK_DEPTH = 6


def _fail(path: Path, where: str, message: str) -> SurrogateFileError:
    return SurrogateFileError(
        f"{path}: {where}: {message}; the model file is damaged or was edited: refit the "
        "surrogate with `lab surrogate fit`"
    )


def _objects(obj: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """``(attribute path, object)`` for ``obj`` and what its attributes, lists and dicts hold."""
    yield "", obj
    if depth >= _MAX_WALK_DEPTH or isinstance(obj, np.ndarray | str | bytes | int | float):
        return
    if isinstance(obj, list | tuple):
        items = enumerate(obj)
    elif isinstance(obj, dict):
        items = obj.items()
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("sklearn"):
        items = vars(obj).items()
    else:
        return
    for key, value in items:
        for sub, found in _objects(value, depth + 1):
            yield f"[{key!r}]{sub}" if isinstance(key, int) else f".{key}{sub}", found


def check_sklearn_tree(tree: Any, path: Path, where: str, n_inputs: int | None = None) -> None:
    """Check one ``sklearn.tree._tree.Tree`` (see the module docstring).

    ``n_inputs``: the columns the estimator is fed (its ``n_features_in_``); a forest hands its
    input to each tree unchecked, so split features must index below it too.
    """
    n = int(tree.node_count)
    left = np.asarray(tree.children_left, dtype=np.int64)
    right = np.asarray(tree.children_right, dtype=np.int64)
    feature = np.asarray(tree.feature, dtype=np.int64)
    if not (len(left) == len(right) == len(feature) == n) or n < 1:
        raise _fail(path, where, f"node arrays do not have node_count={n} entries")
    nodes = np.arange(n)
    leaf = left == -1
    if ((right == -1) != leaf).any():
        bad = int(np.flatnonzero((right == -1) != leaf)[0])
        raise _fail(path, where, f"node {bad} has one child only")
    for name, child in (("left", left), ("right", right)):
        bad = ~leaf & ((child <= nodes) | (child >= n))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _fail(path, where, f"node {i}: {name} child {int(child[i])} is not in ({i}, {n})")
    n_features = int(tree.n_features)
    if n_inputs is not None and n_features != n_inputs:
        raise _fail(path, where, f"tree has {n_features} features, the model {n_inputs}")
    bad = ~leaf & ((feature < 0) | (feature >= n_features))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _fail(path, where, f"node {i}: feature {int(feature[i])} is not in [0, {n_features})")
    value = np.asarray(tree.value)
    if value.shape[0] != n or value.ndim != 3 or value.shape[1] != int(tree.n_outputs):
        raise _fail(path, where, f"value has shape {value.shape}, expected ({n}, n_outputs, k)")


def check_sklearn_binary_tree(tree: Any, path: Path, where: str) -> None:
    """Check a ``KDTree``/``BallTree`` (see the module docstring)."""
    data, idx_array, node_data, _bounds = tree.get_arrays()
    n_rows = len(data)
    idx = np.asarray(idx_array, dtype=np.int64)
    if len(idx) != n_rows or not np.array_equal(np.sort(idx), np.arange(n_rows)):
        raise _fail(path, where, f"idx_array is not a permutation of the {n_rows} rows")
    n_nodes = len(node_data)
    start = np.asarray(node_data["idx_start"], dtype=np.int64)
    end = np.asarray(node_data["idx_end"], dtype=np.int64)
    bad = (start < 0) | (end > n_rows) | (start > end)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _fail(path, where, f"node {i} spans rows [{start[i]}, {end[i]}) of {n_rows}")
    inner = ~np.asarray(node_data["is_leaf"], dtype=bool)
    bad = inner & (2 * np.arange(n_nodes) + 2 >= n_nodes)
    if bad.any():
        raise _fail(path, where, f"inner node {int(np.flatnonzero(bad)[0])} has no children")


def check_sklearn_model(model: Any, path: Path) -> None:
    """Check every tree inside a loaded scikit-learn estimator (forests, KNN indexes)."""
    from sklearn.neighbors._ball_tree import BallTree
    from sklearn.neighbors._kd_tree import KDTree
    from sklearn.tree._tree import Tree

    n_inputs = getattr(model, "n_features_in_", None)
    n_inputs = int(n_inputs) if isinstance(n_inputs, int | np.integer) else None
    for where, obj in _objects(model):
        if isinstance(obj, Tree):
            check_sklearn_tree(obj, path, f"tree model{where}", n_inputs)
        elif isinstance(obj, KDTree | BallTree):
            check_sklearn_binary_tree(obj, path, f"neighbour index model{where}")


def _int_list(value: Any, path: Path, where: str, n: int | None = None) -> np.ndarray:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _fail(path, where, "expected a list of integers")
    if n is not None and len(value) != n:
        raise _fail(path, where, f"{len(value)} entries, expected {n}")
    return np.asarray(value, dtype=np.int64)


def _field(doc: Any, keys: tuple[str, ...], path: Path) -> Any:
    node = doc
    for i, key in enumerate(keys):
        if not isinstance(node, dict) or key not in node:
            raise _fail(path, "/".join(keys[: i + 1]), "missing")
        node = node[key]
    return node


def _int_field(doc: Any, keys: tuple[str, ...], path: Path, low: int = 0) -> int:
    raw = _field(doc, keys, path)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise _fail(path, "/".join(keys), f"expected an integer, got {reprlib.repr(raw)}") from None
    if value < low:
        raise _fail(path, "/".join(keys), f"{value} is below {low}")
    return value


def check_xgboost_tree(tree: Any, path: Path, where: str, num_feature: int) -> None:
    """Check one tree of an XGBoost JSON model (see the module docstring)."""
    if not isinstance(tree, dict):
        raise _fail(path, where, "expected an object")
    n = _int_field(tree, ("tree_param", "num_nodes"), path, low=1)
    left = _int_list(tree.get("left_children"), path, f"{where}/left_children", n)
    right = _int_list(tree.get("right_children"), path, f"{where}/right_children", n)
    split = _int_list(tree.get("split_indices"), path, f"{where}/split_indices", n)
    for name in ("parents", "split_type", "default_left"):
        if name in tree:
            _int_list(tree[name], path, f"{where}/{name}", n)
    for name in ("split_conditions", "base_weights"):
        values = tree.get(name)
        if not isinstance(values, list) or len(values) != n:
            raise _fail(path, f"{where}/{name}", f"expected a list of {n} numbers")
    if any(int(t) != 0 for t in tree.get("split_type", [])):
        raise _fail(path, f"{where}/split_type", "categorical splits are not used by the lab")
    # Walk from the root: every reached node once, children inside the arrays.
    seen = np.zeros(n, dtype=bool)
    stack = [0]
    while stack:
        i = stack.pop()
        if seen[i]:
            raise _fail(path, where, f"node {i} is reached twice (a cycle or a shared child)")
        seen[i] = True
        if left[i] == -1 and right[i] == -1:
            continue
        for name, child in (("left", left[i]), ("right", right[i])):
            if not 0 < child < n:
                raise _fail(path, where, f"node {i}: {name} child {int(child)} is not in (0, {n})")
            stack.append(int(child))
        if not 0 <= split[i] < num_feature:
            raise _fail(
                path, where, f"node {i}: feature {int(split[i])} is not in [0, {num_feature})"
            )


def check_xgboost_model(doc: Any, path: Path) -> None:
    """Check a parsed XGBoost JSON model (``Booster.save_raw('json')``) before XGBoost loads it."""
    learner = _field(doc, ("learner",), path)
    num_feature = _int_field(learner, ("learner_model_param", "num_feature"), path, low=1)
    num_target = max(1, _int_field(learner, ("learner_model_param", "num_target"), path, low=0))
    booster = _field(learner, ("gradient_booster",), path)
    name = booster.get("name") if isinstance(booster, dict) else None
    if name == "dart":
        booster = _field(booster, ("gbtree",), path)
    elif name != "gbtree":
        raise _fail(path, "learner/gradient_booster/name", f"{name!r} is not a tree booster")
    model = _field(booster, ("model",), path)
    trees = _field(model, ("trees",), path)
    if not isinstance(trees, list):
        raise _fail(path, "model/trees", "expected a list")
    n_trees = _int_field(model, ("gbtree_model_param", "num_trees"), path)
    info = _int_list(model.get("tree_info"), path, "model/tree_info", len(trees))
    if n_trees != len(trees):
        raise _fail(path, "model/gbtree_model_param/num_trees", f"{n_trees} != {len(trees)} trees")
    if ((info < 0) | (info >= num_target)).any():
        raise _fail(path, "model/tree_info", f"output group outside [0, {num_target})")
    if "iteration_indptr" in model:
        indptr = _int_list(model["iteration_indptr"], path, "model/iteration_indptr")
        if (
            len(indptr) == 0
            or indptr[0] != 0
            or indptr[-1] != len(trees)
            or (np.diff(indptr) < 0).any()
        ):
            raise _fail(
                path, "model/iteration_indptr", f"not a 0..{len(trees)} partition of the trees"
            )
    for i, tree in enumerate(trees):
        check_xgboost_tree(tree, path, f"model/trees[{i}]", num_feature)


__all__ = [
    "check_sklearn_binary_tree",
    "check_sklearn_model",
    "check_sklearn_tree",
    "check_xgboost_model",
    "check_xgboost_tree",
]
