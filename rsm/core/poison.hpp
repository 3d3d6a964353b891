// Forced into every source of the protocol cores (fl_core in CMakeLists.txt, with
// -include): the cores do no IO and hold no JSON, so the names of SQLite, Boost
// (Asio) and nlohmann_json are errors there. Those headers live in the system include
// folder, where the cores' own include folder (fl_layer) cannot hide them; with
// this, including one fails at its first use of the name: attempt to use poisoned
// "boost". Nothing includes this file by hand.
#pragma once

#pragma GCC poison sqlite3 boost nlohmann
