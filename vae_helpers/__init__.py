"""Helpers for the interactive book on variational autoencoders.

One module per concept, in chapter order: :mod:`~vae_helpers.info` (information
theory), :mod:`~vae_helpers.gaussian` (KL between Gaussians), :mod:`~vae_helpers.widgets`
(the widgets: the panels of chapters 1-3), :mod:`~vae_helpers.elbo` (the ELBO,
exact on a toy model and by quadrature in 2-D), :mod:`~vae_helpers.iwae` (the importance-weighted
bound), :mod:`~vae_helpers.aggregate` (all codes together), :mod:`~vae_helpers.bernoulli` (the
Bernoulli likelihood on grey levels),
:mod:`~vae_helpers.reparameterization` (gradients through sampling), :mod:`~vae_helpers.data`
(MNIST; :mod:`~vae_helpers.mnist_files` fetches and checks the official files,
:mod:`~vae_helpers.idx` reads them), :mod:`~vae_helpers.model` (the Keras VAE),
:mod:`~vae_helpers.pretrained` (the shipped weights' files, Keras-free),
:mod:`~vae_helpers.train` (training and the shipped weights), :mod:`~vae_helpers.article`
(the article's model in Keras 3), :mod:`~vae_helpers.latent` and :mod:`~vae_helpers.diagram`
(chapter 5's figures), :mod:`~vae_helpers.widgets.explorer` (the latent explorer)
and :mod:`~vae_helpers.numpy_decoder` (its decoder in numpy), :mod:`~vae_helpers.classifier`
(a digit classifier that reads what a decoder draws), :mod:`~vae_helpers.beyond_2d` (Part II's
measures on binarized MNIST: active units, rate and distortion), :mod:`~vae_helpers.plotting`,
:mod:`~vae_helpers.figures` (type sizes and widths that stay legible on a phone),
:mod:`~vae_helpers.claims` and :mod:`~vae_helpers.glued` (the book's claims, checked where they
are computed, and its glued numbers).
Import the modules you need: ``model`` imports TensorFlow, which takes seconds.
"""

from vae_helpers._tensorflow_log import quiet_tensorflow_import

__version__ = "0.1.0"

# Before any module of the package imports Keras: TensorFlow's start-up lines stay out of the notebooks.
quiet_tensorflow_import()
