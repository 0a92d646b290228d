// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/**
 * An EmProps collection: a fixed number of editions sold at a fixed price to anyone who pays it.
 * Each token gets a hash when it is minted, the seed its image is generated from. Primary-sale
 * proceeds and royalties are split among the collection's receivers and withdrawn by them (pull
 * payments, as in OpenZeppelin's PaymentSplitter: nothing is sent during a mint).
 *
 * Token ids run from 1 to `editions`. `tokenURI` is the base URI followed by the token id
 * (EmProps serves `/metadata/{collectionId}/{tokenId}`); `contractURI` is ERC-7572 collection
 * metadata. Royalties follow EIP-2981: one royalty receiver is paid directly, several are paid
 * through this contract, which splits what it receives among them.
 */
contract EmPropsCollection is ERC721, ERC2981, Ownable, ReentrancyGuard {
    uint256 private constant BASIS_POINTS = 10_000;
    bytes4 private constant ERC4906_INTERFACE_ID = 0x49064906;

    /// How many tokens can ever exist.
    uint256 public immutable editions;
    /// What one token costs, in wei.
    uint256 public immutable price;
    /// The most tokens one `mintBatch` call may mint (1: batch minting disabled).
    uint256 public immutable maxPerMint;
    /// Tokens minted so far; the last token id.
    uint256 public totalMinted;
    /// The seed of each token's image, fixed when it is minted.
    mapping(uint256 tokenId => bytes32) public tokenHash;

    /// Each receiver's share of primary-sale proceeds, in basis points (they add up to 10,000).
    mapping(address payee => uint256) public primaryShare;
    /// Each royalty receiver's share of the royalties, in basis points of the sale price.
    mapping(address payee => uint256) public royaltyShare;
    /// All royalty shares together: the EIP-2981 royalty rate.
    uint256 public immutable royaltyBasisPoints;
    /// Wei received from mints and from royalties, and wei withdrawn per receiver.
    uint256 public primaryReceived;
    uint256 public royaltyReceived;
    mapping(address payee => uint256) public released;

    string private _baseTokenURI;
    string private _contractURI;

    /// A token was minted with the hash its image is made from.
    event Minted(uint256 indexed tokenId, bytes32 hash);
    /// A receiver withdrew what it was owed.
    event PaymentReleased(address indexed payee, uint256 amount);
    /// Royalties (or any other payment) reached the contract.
    event PaymentReceived(address indexed from, uint256 amount);
    /// ERC-7572: the collection metadata behind `contractURI` changed.
    event ContractURIUpdated();
    /// ERC-4906: the metadata of a range of tokens changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);

    error SoldOut(uint256 editions);
    error WrongPayment(uint256 expected, uint256 paid);
    error InvalidQuantity(uint256 quantity, uint256 maxPerMint);
    error InvalidSplit(string reason);
    error NothingOwed(address payee);

    /**
     * @param payees primary-sale receivers, with `shares` in basis points adding up to 10,000
     * @param royaltyPayees royalty receivers, with `royaltyShares` in basis points of a sale price
     * @param owner_ who may change the metadata URIs (the creator, or the publishing signer)
     */
    constructor(
        string memory name_,
        string memory symbol_,
        uint256 editions_,
        uint256 price_,
        uint256 maxPerMint_,
        string memory baseTokenURI_,
        string memory contractURI_,
        address[] memory payees,
        uint256[] memory shares,
        address[] memory royaltyPayees,
        uint256[] memory royaltyShares,
        address owner_
    ) ERC721(name_, symbol_) Ownable(owner_) {
        if (editions_ == 0) revert InvalidSplit("editions must be positive");
        if (maxPerMint_ == 0) revert InvalidSplit("maxPerMint must be positive");
        editions = editions_;
        price = price_;
        maxPerMint = maxPerMint_;
        _baseTokenURI = baseTokenURI_;
        _contractURI = contractURI_;
        if (_assignShares(payees, shares, primaryShare) != BASIS_POINTS) {
            revert InvalidSplit("primary shares must add up to 10000");
        }
        uint256 royalty = _assignShares(royaltyPayees, royaltyShares, royaltyShare);
        if (royalty > BASIS_POINTS) revert InvalidSplit("royalties must not exceed 10000");
        royaltyBasisPoints = royalty;
        if (royaltyPayees.length == 1) {
            _setDefaultRoyalty(royaltyPayees[0], uint96(royalty));
        } else if (royaltyPayees.length > 1) {
            _setDefaultRoyalty(address(this), uint96(royalty));
        }
    }

    function _assignShares(address[] memory payees, uint256[] memory shares, mapping(address => uint256) storage to)
        private
        returns (uint256 total)
    {
        if (payees.length != shares.length) revert InvalidSplit("one share per payee");
        for (uint256 i = 0; i < payees.length; i++) {
            if (payees[i] == address(0)) revert InvalidSplit("payee is the zero address");
            if (shares[i] == 0) revert InvalidSplit("share is zero");
            if (to[payees[i]] != 0) revert InvalidSplit("payee listed twice");
            to[payees[i]] = shares[i];
            total += shares[i];
        }
    }

    /// Mints the next token to the caller, who pays `price`.
    function mint() external payable nonReentrant returns (uint256 tokenId) {
        _collect(1);
        tokenId = _mintNext(msg.sender);
    }

    /// Mints `quantity` tokens (at most `maxPerMint`) to the caller, who pays `quantity * price`.
    function mintBatch(uint256 quantity) external payable nonReentrant returns (uint256 firstTokenId) {
        if (quantity == 0 || quantity > maxPerMint) revert InvalidQuantity(quantity, maxPerMint);
        _collect(quantity);
        firstTokenId = totalMinted + 1;
        for (uint256 i = 0; i < quantity; i++) {
            _mintNext(msg.sender);
        }
    }

    function _collect(uint256 quantity) private {
        if (totalMinted + quantity > editions) revert SoldOut(editions);
        if (msg.value != price * quantity) revert WrongPayment(price * quantity, msg.value);
        primaryReceived += msg.value;
    }

    function _mintNext(address to) private returns (uint256 tokenId) {
        tokenId = ++totalMinted;
        // Chain randomness of this block, the token and its minter: nobody picks a token's seed.
        bytes32 hash = keccak256(abi.encode(block.prevrandao, blockhash(block.number - 1), address(this), tokenId, to));
        tokenHash[tokenId] = hash;
        emit Minted(tokenId, hash);
        _safeMint(to, tokenId);
    }

    /// What `payee` can withdraw now, from primary sales and royalties.
    function releasable(address payee) public view returns (uint256) {
        uint256 earned = primaryReceived * primaryShare[payee] / BASIS_POINTS;
        if (royaltyBasisPoints > 0) {
            earned += royaltyReceived * royaltyShare[payee] / royaltyBasisPoints;
        }
        return earned - released[payee];
    }

    /// Sends `payee` what it is owed; anyone may call it, the money only goes to the payee.
    function withdraw(address payable payee) external nonReentrant {
        uint256 amount = releasable(payee);
        if (amount == 0) revert NothingOwed(payee);
        released[payee] += amount;
        emit PaymentReleased(payee, amount);
        Address.sendValue(payee, amount);
    }

    /// Royalties paid to the contract (several royalty receivers) are split among them; anything
    /// else sent to a collection without royalty receivers goes to the primary receivers.
    receive() external payable {
        if (royaltyBasisPoints > 0) {
            royaltyReceived += msg.value;
        } else {
            primaryReceived += msg.value;
        }
        emit PaymentReceived(msg.sender, msg.value);
    }

    /// ERC-7572 collection metadata.
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    function setContractURI(string calldata uri) external onlyOwner {
        _contractURI = uri;
        emit ContractURIUpdated();
    }

    function setBaseURI(string calldata uri) external onlyOwner {
        _baseTokenURI = uri;
        emit BatchMetadataUpdate(1, editions);
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, ERC2981) returns (bool) {
        return interfaceId == ERC4906_INTERFACE_ID || super.supportsInterface(interfaceId);
    }
}
