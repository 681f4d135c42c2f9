// Engine-free: the npm command lines the build stages run, in one place so that a test can replay them on a plain
// directory exactly as the containers run them.

/** Every dependency of the root and of the workspaces present, exactly as the lockfile says. */
export const INSTALL_COMMAND = ["npm", "ci", "--no-audit", "--no-fund"] as const;

/** The workspace's `build` script; workspaces without one are skipped. */
export function buildCommand(workspace: string): string[] {
  return ["npm", "run", "build", "--workspace", workspace, "--if-present"];
}

/** Production dependencies of one workspace (and of the local workspaces it depends on), none of the root's. */
export function productionInstallCommand(workspace: string): string[] {
  return [
    "npm",
    "ci",
    "--omit=dev",
    "--workspace",
    workspace,
    "--include-workspace-root=false",
    "--no-audit",
    "--no-fund",
  ];
}

/** The workspace's `npm test`. */
export function testCommand(workspace: string): string[] {
  return ["npm", "test", "--workspace", workspace];
}

/**
 * Only the given packages (`name@version`), in the current directory, without a package.json of their own: for a
 * stage that needs one tool, not the monorepo's dependency tree. Install scripts stay off (the tools used here ship
 * their binaries as optional platform packages).
 */
export function toolInstallCommand(packages: readonly string[]): string[] {
  return [
    "npm",
    "install",
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
    ...packages,
  ];
}
