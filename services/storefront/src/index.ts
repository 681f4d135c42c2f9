export { buildApp } from "./app.js";
export { type Config, configSchema } from "./config.js";
