"""Data types of Hub compute: hardware flavors and their descriptions.

The Hub describes the machines of Jobs and of Spaces the same way (`GET /api/jobs/hardware`,
`GET /api/spaces/hardware`), so [`HfApi.list_spaces_hardware`] returns [`JobHardwareInfo`] too. The Jobs API
itself (running and scheduling jobs) is not part of this package yet.
"""

from dataclasses import dataclass
from enum import Enum


class JobHardware(str, Enum):
    """Hardware flavors a Job can run on; compares equal to its string value (`JobHardware.CPU_BASIC == "cpu-basic"`)."""

    CPU_BASIC = "cpu-basic"
    CPU_UPGRADE = "cpu-upgrade"
    CPU_PERFORMANCE = "cpu-performance"
    CPU_XL = "cpu-xl"
    T4_SMALL = "t4-small"
    T4_MEDIUM = "t4-medium"
    L4X1 = "l4x1"
    L4X4 = "l4x4"
    L40SX1 = "l40sx1"
    L40SX4 = "l40sx4"
    L40SX8 = "l40sx8"
    A10G_SMALL = "a10g-small"
    A10G_LARGE = "a10g-large"
    A10G_LARGEX2 = "a10g-largex2"
    A10G_LARGEX4 = "a10g-largex4"
    A100_LARGE = "a100-large"
    A100X4 = "a100x4"
    A100X8 = "a100x8"
    H200 = "h200"
    H200X2 = "h200x2"
    H200X4 = "h200x4"
    H200X8 = "h200x8"
    RTX_PRO_6000 = "rtx-pro-6000"
    RTX_PRO_6000X2 = "rtx-pro-6000x2"
    RTX_PRO_6000X4 = "rtx-pro-6000x4"
    RTX_PRO_6000X8 = "rtx-pro-6000x8"


@dataclass
class JobAccelerator:
    """The accelerator (GPU) of a machine.

    Attributes:
        type (`str`): e.g. `"gpu"`.
        model (`str`): e.g. `"T4"`, `"A100"`.
        quantity (`str`): how many, e.g. `"4"`.
        vram (`str`): total memory, e.g. `"96 GB"`.
        manufacturer (`str`): e.g. `"Nvidia"`.
    """

    type: str
    model: str
    quantity: str
    vram: str
    manufacturer: str

    def __init__(self, **kwargs) -> None:
        self.type = kwargs["type"]
        self.model = kwargs["model"]
        self.quantity = kwargs["quantity"]
        self.vram = kwargs["vram"]
        self.manufacturer = kwargs["manufacturer"]


@dataclass
class JobHardwareInfo:
    """One hardware flavor, as the Hub describes it (built from the Hub's camelCase keys).

    Attributes:
        name (`str`): flavor id, e.g. `"cpu-basic"`.
        pretty_name (`str`): e.g. `"CPU Basic"`.
        cpu (`str`): e.g. `"2 vCPU"`.
        ram (`str`): e.g. `"16 GB"`.
        ephemeral_storage (`str`): disk, `"N/A"` when the Hub does not say.
        accelerator ([`JobAccelerator`], *optional*): the GPU, if any.
        unit_cost_micro_usd (`int`): price per unit in millionths of a dollar.
        unit_cost_usd (`float`): price per unit in dollars.
        unit_label (`str`): the unit, e.g. `"minute"`.
    """

    name: str
    pretty_name: str
    cpu: str
    ram: str
    ephemeral_storage: str
    accelerator: JobAccelerator | None
    unit_cost_micro_usd: int
    unit_cost_usd: float
    unit_label: str

    def __init__(self, **kwargs) -> None:
        self.name = kwargs["name"]
        self.pretty_name = kwargs["prettyName"]
        self.cpu = kwargs["cpu"]
        self.ram = kwargs["ram"]
        self.ephemeral_storage = kwargs.get("ephemeralStorage", "N/A")
        accelerator = kwargs.get("accelerator")
        self.accelerator = JobAccelerator(**accelerator) if accelerator else None
        self.unit_cost_micro_usd = kwargs["unitCostMicroUSD"]
        self.unit_cost_usd = kwargs["unitCostUSD"]
        self.unit_label = kwargs["unitLabel"]
