// npm run pods:images — builds the pods tier's images into the local registry's storage (or finds them there) and
// stops the registry again, so the images can be made ahead of the pods tier (.ci/run does it beside tier 2).
import { consoleLogger } from "../../cluster/index.js";
import { ensurePodImages } from "./pod-images.js";

try {
  const images = await ensurePodImages({ logger: consoleLogger });
  await images.stop();
} catch (error) {
  process.stderr.write(`[pods] image build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
