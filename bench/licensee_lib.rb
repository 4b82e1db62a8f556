# licensee_lib.rb SECONDS LIST: licensee's classification of the files named in
# LIST (one path a line), in one warm Ruby process (the library loaded and each
# file classified once before timing, as a long-running service would): every
# file once per round, rounds repeated until SECONDS have passed (at least one).
# Prints one JSON line: {"files", "rounds", "seconds_per_file", "spdx": {id: count}}.
# Each classification is a new Licensee::ProjectFiles::LicenseFile (it memoises);
# reading the files is not timed.
require 'json'
require 'licensee'

budget = Float(ARGV[0])
files = File.readlines(ARGV[1], chomp: true).reject(&:empty?).map do |path|
  [File.binread(path), File.basename(path)]
end
spdx = Hash.new(0)
files.each do |content, name|
  license = Licensee::ProjectFiles::LicenseFile.new(content, name).license
  spdx[license ? license.spdx_id : 'none'] += 1
end
rounds = 0
t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
loop do
  files.each { |content, name| Licensee::ProjectFiles::LicenseFile.new(content, name).license }
  rounds += 1
  elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0
  next if elapsed < budget

  puts JSON.generate(files: files.size, rounds: rounds,
                     seconds_per_file: elapsed / (rounds * files.size), spdx: spdx)
  break
end
