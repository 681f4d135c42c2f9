// The pod sandbox image containerd pins (`sandbox` in its CRI config): pause.c compiled static, alone in an image
// from scratch, run as 65535 like the upstream pause image. Rebuilt only when its content key label changes.
import { chmod, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../cluster/src/exec.js";
import { formatDuration } from "../../cluster/src/log.js";
import { imageLabel } from "../../engine/src/oci-push.js";
import { contentKey } from "./content-key.js";
import { pushLayer, tarLayer } from "./registry-image.js";
import { type ImageBuild, POD_IMAGE_KEY_LABEL } from "./service-image.js";

const SOURCE = fileURLToPath(new URL("./pause.c", import.meta.url));

/** Builds `reference` (e.g. 127.0.0.1:5000/pause:3.10) unless the registry has it from the same source and gcc. */
export async function ensurePauseImage(build: Pick<ImageBuild, "crane" | "workDir" | "logger">, reference: string) {
  const gcc = (await run("gcc", ["--version"])).split("\n")[0] ?? "";
  const key = await contentKey(await readFile(SOURCE), gcc);
  if ((await imageLabel(build.crane, reference, POD_IMAGE_KEY_LABEL)) === key) return reference;

  const started = Date.now();
  const stage = join(build.workDir, "pause");
  await rm(stage, { recursive: true, force: true });
  await mkdir(stage, { recursive: true });
  await run("gcc", ["-static", "-O2", "-Wall", "-Werror", "-o", join(stage, "pause"), SOURCE]);
  await run("strip", [join(stage, "pause")]);
  await chmod(join(stage, "pause"), 0o755);
  await tarLayer(stage, ["pause"], `${stage}.tar`);
  await pushLayer(build.crane, `${stage}.tar`, reference, {
    labels: { [POD_IMAGE_KEY_LABEL]: key },
    entrypoint: ["/pause"],
    user: "65535:65535",
  });
  await rm(stage, { recursive: true, force: true });
  build.logger.info(`pod images: pushed ${reference} (${formatDuration(Date.now() - started)})`);
  return reference;
}
