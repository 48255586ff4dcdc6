"""The reference's lifecycle capability: an instance of its own, killed and restarted."""

from __future__ import annotations

import asyncio
import os

import pytest

from harness.sut.contract import Lifecycle, OwnInstance
from harness.sut.reference_adapter import ReferenceAdapter
from harness.sut.reference_process import SutUnavailable


def test_a_killed_instance_restarts_on_the_same_data_addresses_and_tokens() -> None:
    async def main() -> None:
        lifecycle = ReferenceAdapter().lifecycle
        assert isinstance(lifecycle, Lifecycle)
        own = await lifecycle.start_own()
        assert isinstance(own, OwnInstance)
        try:
            tenant = await own.open_tenant("lifecycle")
            agent = await tenant.directory.create_agent("Ana Lopez")
            registrar = tenant.telephony.registrar()
            pid = own.pid
            assert pid is not None
            with pytest.raises(RuntimeError, match="kill it first"):
                await own.restart()
            await own.kill()
            assert own.pid is None
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)  # gone, and reaped: no zombie left behind
            with pytest.raises(SutUnavailable):
                await own.kill()
            await own.restart()
            assert own.pid not in (None, pid)
            # The tenant opened before the crash works as it did: same token, same addresses.
            assert (await tenant.directory.create_team("Support")).name == "Support"
            assert tenant.telephony.registrar() == registrar
            assert agent.sip is not None
        finally:
            await own.stop()
        assert not own.data_dir.exists()

    asyncio.run(main())
