//! What the benchmark binaries (`src/bin/*_bench.rs`) share: a display bus that
//! discards everything, for the cost of the driver without the wait for the wire.
//! (Their hooks, `bench_mark` and `bench_done`, which `tools/count_instructions.py`
//! finds by name, stay in the binaries: this library has no unmangled symbols.)

use core::convert::Infallible;
use core::hint::black_box;

use embedded_hal::digital::{self, OutputPin};
use embedded_hal::spi::{self, Operation, SpiDevice};

/// An SPI device that discards what it is sent.
pub struct NullSpi;

impl spi::ErrorType for NullSpi {
    type Error = Infallible;
}

impl SpiDevice for NullSpi {
    fn transaction(&mut self, operations: &mut [Operation<'_, u8>]) -> Result<(), Infallible> {
        black_box(operations);
        Ok(())
    }
}

/// A pin that does nothing.
pub struct NullPin;

impl digital::ErrorType for NullPin {
    type Error = Infallible;
}

impl OutputPin for NullPin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}
