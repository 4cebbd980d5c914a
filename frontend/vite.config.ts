import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// The app is served by the Go binary from dist/ (embedded), with hashed
// assets under /assets/. In development, `npm run dev` proxies the API to a
// server started with `make run`.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    // dist/.gitkeep stays so that the Go embed always finds the folder;
    // the build script clears the old assets itself.
    emptyOutDir: false,
    assetsDir: 'assets',
  },
  server: { proxy: { '/api': process.env.CUSTOS_API ?? 'http://127.0.0.1:8080' } },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    // A page test clicks through a whole form; on a busy 2-core machine that
    // takes seconds, so the deadline is generous rather than the default 5 s.
    testTimeout: 30_000,
    setupFiles: ['src/test-setup.ts'],
  },
})
