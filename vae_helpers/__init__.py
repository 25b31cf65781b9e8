"""Helpers for the interactive book on variational autoencoders.

One module per concept, in chapter order: :mod:`~vae_helpers.info` (information
theory), :mod:`~vae_helpers.gaussian` (KL between Gaussians), :mod:`~vae_helpers.panels`
(the widgets of chapters 1-2), :mod:`~vae_helpers.reparameterization` (gradients through
sampling), :mod:`~vae_helpers.data` (MNIST), :mod:`~vae_helpers.model` (the Keras VAE),
:mod:`~vae_helpers.train` (training and the shipped weights), :mod:`~vae_helpers.article`
(the article's model in Keras 3), :mod:`~vae_helpers.latent` and :mod:`~vae_helpers.diagram`
(chapter 5's figures), :mod:`~vae_helpers.widgets.explorer` (the latent explorer)
and :mod:`~vae_helpers.numpy_decoder` (its decoder in numpy),
:mod:`~vae_helpers.plotting`, :mod:`~vae_helpers.claims` (the book's claims, checked where they are computed).
Import the modules you need: ``model`` imports TensorFlow, which takes seconds.
"""

__version__ = "0.1.0"
