// Placeholder until the app-package work lands.
export async function packApp({ stagedDir }) {
  return stagedDir;
}
