// The local server (`npm start`): serves the API on this machine. It lands with the schedules API issue.
process.stdout.write(
  'agent-schedules: the local server is not there yet (it arrives with the schedules API).\n' +
    'Meanwhile: npm run --silent cli -- preview --cron "0 9 * * 1-5" --timezone America/New_York\n',
);
process.exitCode = 1;
