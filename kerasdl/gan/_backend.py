"""The only backend-specific part of the GAN: gradients, updates, JAX state threading.

The training algorithm (:meth:`kerasdl.gan.GAN.train_step`) is written once in
``keras.ops`` / ``keras.random`` as if every variable were stateful. This
module supplies the three things that differ between backends:

- :func:`value_and_grad`: ``tf.GradientTape`` on TensorFlow, ``.backward()``
  on PyTorch, ``jax.value_and_grad`` over a :class:`keras.StatelessScope` on
  JAX;
- :func:`apply_gradients`: ``optimizer.apply`` on TensorFlow and PyTorch,
  ``optimizer.stateless_apply`` on JAX (``LossScaleOptimizer.apply`` leaks
  tracers inside a stateless scope);
- :func:`run_stateless`: on JAX, ``fit`` calls ``train_step(state, data)``
  with the model's state as arrays. The step runs inside one
  ``StatelessScope`` mapping every variable to its array ("pretend everything
  is stateful"), and the updated arrays are read back from the scope.

Both optimizers' variables travel through ``fit`` on JAX because
``GAN.optimizer`` is an :class:`OptimizerPair`, whose ``variables`` are the
two optimizers' variables: Keras's JAX trainer threads ``model.optimizer.variables``
through the jitted step and writes them back at the end of each epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
from keras import ops


class OptimizerPair:
    """A read-only view of the discriminator's and generator's optimizers.

    ``GAN.optimizer`` is one of these, so that Keras (which knows of one
    ``model.optimizer``) builds, threads and restores both optimizers' state.
    It applies nothing itself.

    Args:
        d_optimizer: The discriminator's optimizer.
        g_optimizer: The generator's optimizer.
    """

    def __init__(self, d_optimizer: keras.optimizers.Optimizer, g_optimizer: keras.optimizers.Optimizer):
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def variables(self) -> list[Any]:
        return list(self.d_optimizer.variables) + list(self.g_optimizer.variables)

    @property
    def built(self) -> bool:
        return bool(self.d_optimizer.built and self.g_optimizer.built)

    def build(self, variables: Any = None) -> None:  # noqa: ARG002 - Keras passes all weights
        """Nothing to do: ``GAN.compile`` builds each optimizer on its own sub-model."""

    def __repr__(self) -> str:
        return f"OptimizerPair(d_optimizer={self.d_optimizer!r}, g_optimizer={self.g_optimizer!r})"


def _zeros_for_missing(grads: Sequence[Any], variables: Sequence[Any]) -> list[Any]:
    return [ops.zeros_like(v.value) if g is None else g for g, v in zip(grads, variables)]


def value_and_grad(
    loss_fn: Callable[[], tuple[Any, Any]],
    variables: Sequence[Any],
    optimizer: keras.optimizers.Optimizer,
    state_variables: Callable[[], Sequence[Any]],
) -> tuple[Any, Any, list[Any]]:
    """Run ``loss_fn()`` and return ``(loss, aux, grads)`` for ``variables``.

    The gradients are those of ``optimizer.scale_loss(loss)`` (the loss times
    the dynamic loss scale for a ``LossScaleOptimizer``, unchanged otherwise);
    ``optimizer.apply`` unscales them.

    Args:
        loss_fn: A function of no argument returning ``(loss, aux)``, written
            with stateful Keras calls.
        variables: The variables to differentiate.
        optimizer: The optimizer that will apply the gradients.
        state_variables: A function returning every variable ``loss_fn`` may
            read (JAX only: they must all be mapped in the stateless scope).
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, list(variables))
        return loss, aux, _zeros_for_missing(grads, variables)
    if backend == "torch":
        for v in variables:
            v.value.grad = None
        loss, aux = loss_fn()
        optimizer.scale_loss(loss).backward()
        grads = [v.value.grad for v in variables]
        for v in variables:
            v.value.grad = None
        return loss, aux, _zeros_for_missing(grads, variables)
    if backend == "jax":
        import jax

        targets = {id(v) for v in variables}
        others = [v for v in state_variables() if id(v) not in targets]
        other_values = [v.value for v in others]  # read from the enclosing scope

        def pure(values: list[Any]) -> tuple[Any, Any]:
            mapping = list(zip(variables, values)) + list(zip(others, other_values))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                loss, aux = loss_fn()
                scaled = optimizer.scale_loss(loss)
            updates = [scope.get_current_value(v) for v in others]
            return scaled, (loss, aux, updates)

        (_, (loss, aux, updates)), grads = jax.value_and_grad(pure, has_aux=True)(
            [v.value for v in variables]
        )
        for v, old, new in zip(others, other_values, updates):
            if new is not None and new is not old:
                v.assign(new)  # e.g. dropout seeds, batch-norm statistics
        return loss, aux, list(grads)
    raise NotImplementedError(  # pragma: no cover - Keras has no other trainable backend
        f"kerasdl.gan supports the tensorflow, jax and torch backends. Received: backend={backend!r}"
    )


def apply_gradients(
    optimizer: keras.optimizers.Optimizer, grads: Sequence[Any], variables: Sequence[Any]
) -> None:
    """Apply ``grads`` to ``variables`` (statelessly on JAX, recorded in the scope)."""
    if keras.backend.backend() == "jax":
        new_values, new_opt_values = optimizer.stateless_apply(
            [v.value for v in optimizer.variables], list(grads), [v.value for v in variables]
        )
        for v, value in zip(variables, new_values):
            v.assign(value)
        for v, value in zip(optimizer.variables, new_opt_values):
            v.assign(value)
        return
    optimizer.apply(list(grads), list(variables))


def run_stateless(model: keras.Model, step: Callable[[Any], dict[str, Any]], state: Any, data: Any) -> Any:
    """JAX: run the stateful ``step(data)`` on ``state`` and return ``(logs, new_state)``.

    ``state`` is Keras's ``(trainable, non_trainable, optimizer, metrics)``
    tuple of arrays, in the order of ``model.trainable_variables``,
    ``model.non_trainable_variables``, ``model.optimizer.variables`` and
    ``model.metrics_variables``.
    """
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    )
    mapping = [pair for variables, values in zip(groups, state) for pair in zip(variables, values)]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = step(data)
    new_state = []
    for variables, values in zip(groups, state):
        new_values = []
        for v, old in zip(variables, values):
            new = scope.get_current_value(v)
            new_values.append(old if new is None else new)
        new_state.append(new_values)
    return logs, tuple(new_state)
