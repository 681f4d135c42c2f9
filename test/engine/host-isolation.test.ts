// The engine runs on the host as root but must leave the host's name resolution and iptables programs alone: its
// resolv.conf mount and iptables links exist only in its own mount namespace.
import { expect, inject, test } from "vitest";
import { hostNetworkSnapshot } from "./src/host-snapshot.js";

test("the host's resolv.conf, /etc mounts and iptables links are what they were before the engine started", async () => {
  expect(await hostNetworkSnapshot()).toEqual(inject("hostBefore"));
});

test("inside the engine's mount namespace resolv.conf points at its dnsmasq and iptables links exist", async () => {
  const engine = await hostNetworkSnapshot(inject("enginePid"));
  const host = await hostNetworkSnapshot();
  expect(engine.etcMounts).toContain("/etc/resolv.conf");
  expect(host.etcMounts).not.toContain("/etc/resolv.conf");
  expect(engine.resolvConf).toMatch(/^nameserver 10\.87\.0\.1$/m);
  expect(engine.resolvConf).not.toEqual(host.resolvConf);
  expect(engine.iptablesLinks.iptables).toMatch(/xtables-(legacy|nft)-multi$/);
});
