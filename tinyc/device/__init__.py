"""Talking to a board: the framed protocol, transports, QEMU, and the client."""
from tinyc.device.client import Device, open_device
from tinyc.device.protocol import DeviceInfo, TensorInfo

__all__ = ["Device", "open_device", "DeviceInfo", "TensorInfo"]
