"""The Bluejay API's resources, attached to :class:`~bluejay_async.BluejayClient`."""

from bluejay_async.resources.results import ResultsResource
from bluejay_async.resources.runs import RunsResource
from bluejay_async.resources.simulations import SimulationsResource

__all__ = ["ResultsResource", "RunsResource", "SimulationsResource"]
